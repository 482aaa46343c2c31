/**
 * The AWS state-storage stacks through the real terraform CLI and AWS provider, offline, in the day-0
 * bootstrap phase: the override file day 0 writes (its own printed command, run by bash) swaps the S3
 * backend for a local file, so init needs no bucket (checked by `terraform init` in a project root of the
 * stack's own). The plan, with fake credentials, is the stack's part of the run's combined AWS plan
 * (./aws-plan-set.ts): a plan reads no backend, and terraform validates the configuration before planning.
 * Skipped with the reason printed when terraform or the provider mirror is missing; REQUIRE_TERRAFORM=1 fails instead.
 */
import { execFile, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { run as day0 } from "../../scripts/day0";
import { BOOTSTRAP_OVERRIDE_FILE } from "../../scripts/day0-steps";
import { awsPlan, awsStackFolder } from "./aws-plan-set";
import { ResourceChange } from "./combined-plan";
import { awsProviderOverride, findMirror, TERRAFORM_HOOK_TIMEOUT_MS, terraformAvailability, terraformEnv, terraformRequired } from "./harness";
import { ROOT } from "../support/stack-json";

const exec = promisify(execFile);
const STACKS = ["dev-aws-state", "prod-aws-state"] as const;

function unavailable(): string | undefined {
  if (spawnSync("terraform", ["version"], { env: terraformEnv() }).status !== 0) return "terraform is not on PATH";
  if (!findMirror("aws") && process.env.TF_ONLINE !== "1") return "no provider mirror holds registry.terraform.io/hashicorp/aws (set TF_PLUGIN_MIRROR)";
  return undefined;
}

const reason = unavailable();
if (reason && terraformRequired()) {
  test("terraform is required (REQUIRE_TERRAFORM=1)", () => {
    throw new Error(`REQUIRE_TERRAFORM=1 but ${reason}`);
  });
} else if (reason) {
  console.warn(`SKIPPED real-terraform AWS state-storage checks: ${reason}`);
}

const plans: Record<string, { changes: ResourceChange[]; errored: boolean; backendType?: string }> = {};

(reason ? describe.skip : describe)("AWS state storage through real terraform, on day 0's local-state override", () => {
  beforeAll(async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-state-"));
    const availability = await terraformAvailability(["aws"], work);
    if (!availability.ok) throw new Error(`terraform unavailable: ${availability.reason}`);
    await Promise.all(
      STACKS.map(async (stack) => {
        // A project root of its own: cdktf.out/stacks/<stack> as synth writes it, and the state file day 0 keeps beside it.
        const root = path.join(work, stack);
        const dir = path.join(root, "cdktf.out", "stacks", stack);
        fs.cpSync(await awsStackFolder(stack), dir, { recursive: true });
        const env = stack.split("-")[0];
        const printed = day0(["--env", env, "--cloud", "aws", "--dry-run"], ROOT).stdout.split("\n");
        const write = printed.find((l) => l.endsWith(`> cdktf.out/stacks/${stack}/${BOOTSTRAP_OVERRIDE_FILE}`));
        if (!write) throw new Error(`day0 --dry-run for ${env} prints no override for ${stack}`);
        const r = spawnSync("bash", ["-euo", "pipefail", "-c", write], { cwd: root, encoding: "utf8" });
        if (r.status !== 0) throw new Error(`the printed override command failed: ${r.stderr}`);
        // Fake credentials only; the backend comes from day 0's own override.
        fs.writeFileSync(path.join(dir, "test_override.tf.json"), JSON.stringify(awsProviderOverride("eu-central-1")));
        await exec("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env: terraformEnv(availability.cliConfig), maxBuffer: 64 * 1024 * 1024 });
        const backend = JSON.parse(fs.readFileSync(path.join(dir, ".terraform", "terraform.tfstate"), "utf8")) as { backend?: { type?: string; config?: { path?: string } } };
        if (backend.backend?.config?.path !== `../../../terraform.${stack}.tfstate`) throw new Error(`local state path is ${backend.backend?.config?.path}`);
        fs.rmSync(path.join(dir, ".terraform"), { recursive: true, force: true });
        const { plan } = await awsPlan(stack, availability.cliConfig!);
        plans[stack] = { changes: plan.resource_changes, errored: plan.errored, backendType: backend.backend?.type };
      }),
    );
  }, TERRAFORM_HOOK_TIMEOUT_MS);

  const after = (stack: string, type: string) => plans[stack].changes.filter((c) => c.type === type).map((c) => c.change.after ?? {});

  describe.each(STACKS)("%s", (stack) => {
    test("GIVEN day 0's override WHEN terraform initializes THEN it runs on a local state file in the project root, needing no bucket yet", () => {
      expect(plans[stack].backendType).toBe("local");
      expect(plans[stack].errored).toBe(false); // terraform validated the configuration before planning it
    });

    test("GIVEN an empty account WHEN planned THEN the bucket and its protections are created and nothing else", () => {
      const changes = plans[stack].changes;
      expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
      expect(changes.map((c) => c.type).sort()).toEqual([
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
      ]);
    });

    test("GIVEN the plan WHEN read THEN the bucket is the backend's, versioned, encrypted, closed to the public and not force-destroyable", () => {
      const account = stack.startsWith("dev") ? "111111111111" : "333333333333";
      expect(after(stack, "aws_s3_bucket")).toEqual([expect.objectContaining({ bucket: `mlops-tfstate-${account}`, force_destroy: false })]);
      expect(after(stack, "aws_s3_bucket_versioning")).toEqual([expect.objectContaining({ versioning_configuration: [expect.objectContaining({ status: "Enabled" })] })]);
      expect(after(stack, "aws_s3_bucket_server_side_encryption_configuration")).toEqual([
        expect.objectContaining({ rule: [expect.objectContaining({ apply_server_side_encryption_by_default: [expect.objectContaining({ sse_algorithm: "AES256" })] })] }),
      ]);
      expect(after(stack, "aws_s3_bucket_public_access_block")).toEqual([
        expect.objectContaining({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
      ]);
    });
  });
});
