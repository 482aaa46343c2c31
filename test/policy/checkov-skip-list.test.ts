/** The scanner skip lists synth writes: Checkov's config with reasons as comments, Trivy's ignore file, the data. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { AppliedSuppression } from "../../modules/policy";
import { acceptedScannerIds, checkovConfig, trivyIgnore, writeScannerSkipLists } from "../../modules/policy/checkov-skip-list";

const sup = (ruleId: string, scanners: AppliedSuppression["scanners"], matched: string[], reason = `${ruleId} is accepted on purpose`): AppliedSuppression => ({
  ruleId,
  reason,
  path: "prod-aws",
  matched,
  scanners,
  source: "register",
});

const SUPS = [
  sup("MLOPS-AWS-S3-REPLICATION", { checkov: ["CKV_AWS_144"] }, ["prod-aws/storage/viz", "prod-aws/storage/raw"]),
  sup("MLOPS-AWS-S3-KMS", { checkov: ["CKV_AWS_145"], trivy: ["AVD-AWS-0132"] }, ["prod-aws/storage/access-logs"], "SSE-S3 only:\n  a documented S3 limit"),
  sup("MLOPS-AWS-LB-ACCESS-LOGS", { checkov: ["CKV_AWS_91"] }, ["prod-aws/nlb"]),
  sup("MLOPS-CUSTOM", {}, ["prod-aws/x"]),
  sup("MLOPS-AWS-ALSO-144", { checkov: ["CKV_AWS_144", "CKV2_AWS_62"] }, ["prod-aws/storage/raw"]),
];

describe("scanner skip lists", () => {
  test("GIVEN suppressions THEN each scanner id is listed once, sorted numerically, with every suppression behind it", () => {
    const accepted = acceptedScannerIds(SUPS);
    expect(accepted.map((a) => `${a.scanner}:${a.id}`)).toEqual(["checkov:CKV_AWS_91", "checkov:CKV_AWS_144", "checkov:CKV_AWS_145", "checkov:CKV2_AWS_62", "trivy:AVD-AWS-0132"]);
    expect(accepted[1].because.map((b) => b.ruleId)).toEqual(["MLOPS-AWS-S3-REPLICATION", "MLOPS-AWS-ALSO-144"]);
    expect(accepted[1].because[0].resources).toEqual(["prod-aws/storage/raw", "prod-aws/storage/viz"]);
  });

  test("GIVEN the Checkov config THEN it is YAML whose skip-check holds exactly the ids, each reason a comment above its id", () => {
    const text = checkovConfig("prod-aws", acceptedScannerIds(SUPS));
    expect(parseDocument(text).errors).toEqual([]);
    expect(parse(text)).toEqual({ "skip-check": ["CKV_AWS_91", "CKV_AWS_144", "CKV_AWS_145", "CKV2_AWS_62"] });
    expect(text).toContain("  # MLOPS-AWS-S3-KMS (1 resource): SSE-S3 only: a documented S3 limit\n  - CKV_AWS_145\n");
    expect(text).toContain("  # MLOPS-AWS-S3-REPLICATION (2 resources): MLOPS-AWS-S3-REPLICATION is accepted on purpose\n  # MLOPS-AWS-ALSO-144 (1 resource):");
  });

  test("GIVEN no accepted id THEN the Checkov config skips nothing and Trivy's file has only its header", () => {
    expect(parse(checkovConfig("x", []))).toEqual({ "skip-check": [] });
    expect(trivyIgnore("x", []).split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([]);
  });

  test("GIVEN the Trivy ignore file THEN its non-comment lines are the AVD ids", () => {
    const text = trivyIgnore("prod-aws", acceptedScannerIds(SUPS));
    expect(text.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual(["AVD-AWS-0132"]);
    expect(text).toContain("# MLOPS-AWS-S3-KMS (1 resource): SSE-S3 only: a documented S3 limit\nAVD-AWS-0132\n");
  });

  test("GIVEN a rule naming something that is not a scanner id THEN listing fails naming the rule", () => {
    expect(() => acceptedScannerIds([sup("MLOPS-BAD", { checkov: ["Checkov CKV_AWS_1"] }, ["s/x"])])).toThrow(/rule MLOPS-BAD: "Checkov CKV_AWS_1" is not a checkov id/);
  });

  test("GIVEN a synthesized stack folder THEN the three files are written there; a missing folder is an error and nothing is written", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "skip-"));
    fs.mkdirSync(path.join(out, "stacks", "prod-aws"), { recursive: true });
    writeScannerSkipLists(out, [{ name: "prod-aws", suppressions: SUPS }]);
    const dir = path.join(out, "stacks", "prod-aws");
    expect(fs.readdirSync(dir).sort()).toEqual([".checkov.yaml", ".trivyignore", "accepted-risks.json"]);
    const data = JSON.parse(fs.readFileSync(path.join(dir, "accepted-risks.json"), "utf8"));
    expect(data.stack).toBe("prod-aws");
    expect(data.accepted.map((a: { id: string }) => a.id)).toEqual(["CKV_AWS_91", "CKV_AWS_144", "CKV_AWS_145", "CKV2_AWS_62", "AVD-AWS-0132"]);
    expect(() => writeScannerSkipLists(out, [{ name: "dev-aws", suppressions: SUPS }])).toThrow(/stacks\/dev-aws does not exist; synthesize dev-aws first/);
    expect(fs.existsSync(path.join(out, "stacks", "dev-aws"))).toBe(false);
  });
});
