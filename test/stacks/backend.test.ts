import { synthProject } from "../support/synth";

describe("remote state", () => {
  const built = synthProject({ select: "dev,prod" });

  test("GIVEN prod with an S3 backend WHEN synthesized THEN state is encrypted, locked with a lock file, and keyed by stack", () => {
    expect(built.json("prod-aws").terraform?.backend).toEqual({
      s3: { bucket: "mlops-tfstate-333333333333", key: "mlops/prod-aws.tfstate", region: "eu-central-1", encrypt: true, use_lockfile: true },
    });
  });

  test("GIVEN dev with a local backend WHEN synthesized THEN state stays in a per-stack local file", () => {
    expect(built.json("dev-aws").terraform?.backend).toEqual({ local: { path: "terraform.dev-aws.tfstate" } });
  });

  test("GIVEN any AWS stack WHEN synthesized THEN the provider is pinned to the environment's account and tags every resource", () => {
    const [provider] = built.json("prod-aws").provider!.aws;
    expect(provider.allowed_account_ids).toEqual(["333333333333"]);
    expect(provider.default_tags).toEqual([{ tags: expect.objectContaining({ environment: "prod", "managed-by": "cdktf", owner: "ml-platform" }) }]);
  });
});
