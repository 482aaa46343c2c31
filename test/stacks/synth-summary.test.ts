/** The synth summary: suppressions with their scanner ids, and the accepted scanner ids per stack. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AppliedSuppression } from "../../modules/policy";
import { renderSummary, summarize } from "../../stacks/synth-summary";

const SUPS: AppliedSuppression[] = [
  { ruleId: "MLOPS-AWS-S3-REPLICATION", reason: "every bucket: single-region by design", path: "prod-aws", matched: ["prod-aws/storage/raw", "prod-aws/storage/viz"], scanners: { checkov: ["CKV_AWS_144"] }, source: "register" },
  { ruleId: "MLOPS-AWS-S3-KMS", reason: "the access-log bucket: SSE-S3 only", path: "prod-aws", matched: ["prod-aws/storage/access-logs"], scanners: { checkov: ["CKV_AWS_145"], trivy: ["AVD-AWS-0132"] }, source: "register" },
  { ruleId: "MLOPS-AWS-VPC-FLOW-LOGS", reason: "flow logs turned off in the config", path: "prod-aws/network/vpc", matched: ["prod-aws/network/vpc"], scanners: {}, source: "construct" },
];

function synthesized(json: unknown): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
  fs.mkdirSync(path.join(out, "stacks", "prod-aws"), { recursive: true });
  fs.writeFileSync(path.join(out, "stacks", "prod-aws", "cdk.tf.json"), JSON.stringify(json));
  return out;
}

describe("synth summary", () => {
  const out = synthesized({ resource: { aws_s3_bucket: { a: {}, b: {} } }, output: { url: { value: "https://x" } } });
  const [summary] = summarize(out, [{ name: "prod-aws", suppressions: SUPS }]);

  test("GIVEN suppressions with scanner ids THEN the summary holds the accepted ids, sorted, with their rules", () => {
    expect(summary.accepted.map((a) => a.id)).toEqual(["CKV_AWS_144", "CKV_AWS_145", "AVD-AWS-0132"]);
    expect(summary.accepted[0].because).toEqual([{ ruleId: "MLOPS-AWS-S3-REPLICATION", reason: "every bucket: single-region by design", resources: ["prod-aws/storage/raw", "prod-aws/storage/viz"] }]);
    expect(summary.resourceCounts).toEqual({ aws_s3_bucket: 2 });
  });

  test("GIVEN the rendered table THEN each suppression line names its scanner ids and the stack lists every accepted id", () => {
    const text = renderSummary([summary]);
    expect(text).toContain("    MLOPS-AWS-S3-REPLICATION [CKV_AWS_144] at prod-aws (2 resources): every bucket: single-region by design");
    expect(text).toContain("    MLOPS-AWS-S3-KMS [CKV_AWS_145, AVD-AWS-0132] at prod-aws (1 resource): the access-log bucket: SSE-S3 only");
    expect(text).toContain("    MLOPS-AWS-VPC-FLOW-LOGS at prod-aws/network/vpc (1 resource): flow logs turned off in the config");
    expect(text).toContain("  accepted scanner ids (skip list in stacks/prod-aws/.checkov.yaml, .trivyignore): CKV_AWS_144 CKV_AWS_145 AVD-AWS-0132");
  });

  test("GIVEN no suppression THEN the summary says none for both", () => {
    const text = renderSummary(summarize(out, [{ name: "prod-aws", suppressions: [] }]));
    expect(text).toContain("  suppressions: none");
    expect(text).toContain("  accepted scanner ids: none");
  });
});
