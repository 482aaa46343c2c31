import { Testing, TerraformStack } from "cdktf";
import { configureBackend } from "../../stacks/backend";
import { sharedSynth } from "../support/shared-synth";

describe("remote state", () => {
  const built = sharedSynth();

  test("GIVEN prod with an S3 backend WHEN synthesized THEN state is encrypted, locked with a lock file, and keyed by stack", () => {
    expect(built.json("prod-aws").terraform?.backend).toEqual({
      s3: { bucket: "mlops-tfstate-333333333333", key: "mlops/prod-aws.tfstate", region: "eu-central-1", encrypt: true, use_lockfile: true },
    });
  });

  test("GIVEN a local backend WHEN configured THEN state stays in a per-stack local file", () => {
    const stack = new TerraformStack(Testing.app(), "sandbox-aws");
    configureBackend(stack, { type: "local" }, "sandbox-aws");
    expect(JSON.parse(Testing.synth(stack)).terraform.backend).toEqual({ local: { path: "terraform.sandbox-aws.tfstate" } });
  });

  test("GIVEN any stack WHEN synthesized THEN it asks for Terraform 1.11+ (lock files, write-only arguments)", () => {
    for (const stack of ["dev-aws", "prod-azure", "prod-gcp"]) {
      expect((built.json(stack).terraform as { required_version?: string }).required_version).toBe(">= 1.11.0");
    }
  });

  test("GIVEN dev WHEN synthesized THEN each cloud keeps state remotely, keyed by stack (the deploy workflow needs it)", () => {
    expect(built.json("dev-aws").terraform?.backend?.s3).toMatchObject({ key: "mlops/dev-aws.tfstate", encrypt: true, use_lockfile: true });
    expect(built.json("dev-azure").terraform?.backend?.azurerm).toMatchObject({ key: "mlops/dev-azure.tfstate", use_azuread_auth: true });
    expect(built.json("dev-gcp").terraform?.backend?.gcs).toMatchObject({ prefix: "mlops/dev-gcp" });
  });

  test("GIVEN any AWS stack WHEN synthesized THEN the provider is pinned to the environment's account and tags every resource", () => {
    const [provider] = built.json("prod-aws").provider!.aws;
    expect(provider.allowed_account_ids).toEqual(["333333333333"]);
    expect(provider.default_tags).toEqual([{ tags: expect.objectContaining({ environment: "prod", "managed-by": "cdktf", owner: "ml-platform" }) }]);
  });
});
