/** AWS secrets: one Secrets Manager secret per name the workloads ask for, no value in config, recoverable by default. */
import { Secrets } from "../../../modules/aws/secrets";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
// No catalog workload has a secret of its own today (the model-api signing key was removed): the module is
// judged on explicit names, plus whatever the catalog asks for should it ask again.
const asked = [...new Set(["signing-key", "webhook-token", ...SERVICE_CATALOG.flatMap((s) => s.secrets)])];

describe("AWS Secrets", () => {
  let json: StackJson;
  let throwaway: StackJson;
  let secrets: Secrets;
  beforeAll(() => {
    const stack = awsTestStack();
    secrets = new Secrets(stack, "secrets", { naming: AWS_NAMING, names: [...asked, ...asked], customerManagedKey: KEY });
    json = synthStack(stack);
    const other = awsTestStack();
    new Secrets(other, "secrets", { naming: AWS_NAMING, names: asked, recoveryWindowDays: 0 });
    throwaway = synthStack(other);
  });

  test("GIVEN secret names (each asked twice) WHEN synthesized THEN one secret each at <prefix>/<env>/<name>, encrypted with the key", () => {
    expect(asked.length).toBeGreaterThan(1);
    const unique = [...new Set(asked)];
    expect(secrets.names).toEqual(unique);
    const all = resources(json, "aws_secretsmanager_secret");
    expect(all.map((s) => s.name).sort()).toEqual(unique.map((n) => `mlops/test/${n}`).sort());
    for (const s of all) expect(s).toMatchObject({ kms_key_id: KEY, recovery_window_in_days: 30 });
  });

  test("GIVEN any secret THEN no value is in the configuration (values are set out of band)", () => {
    expect(resources(json, "aws_secretsmanager_secret_version")).toEqual([]);
  });

  test("GIVEN a throwaway environment's window 0 THEN secrets delete at once, and the AWS managed key applies without a CMK", () => {
    expect(resources(throwaway, "aws_secretsmanager_secret")).toHaveLength(asked.length);
    for (const s of resources(throwaway, "aws_secretsmanager_secret")) {
      expect(s.recovery_window_in_days).toBe(0);
      expect(s).not.toHaveProperty("kms_key_id");
    }
  });

  test("GIVEN a name that was not asked for WHEN its ARN is read THEN the error names it", () => {
    expect(() => secrets.arnOf("nope")).toThrow(`[test/secrets] no secret named "nope"; known: signing-key, webhook-token`);
  });
});
