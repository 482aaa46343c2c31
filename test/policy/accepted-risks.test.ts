/**
 * Accepted risks: a register entry silences exactly the findings it names, is reported with its rule's
 * scanner ids, fails synth when stale, and environment-driven entries come from the config and name it.
 */
import { Testing, Aspects } from "cdktf";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { Construct } from "constructs";
import { AcceptedRisk, PolicyAspect, PolicyReport, RiskEnvironment, everyResource, pathEndsWith } from "../../modules/policy";
import { awsAcceptedRisks, azureAcceptedRisks, gcpAcceptedRisks } from "../../modules/policy/accepted";
import { awsLambdaConcurrencyLimit } from "../../modules/policy/rules/aws-lambda-concurrency-limit";
import { awsSnsKms } from "../../modules/policy/rules/aws-sns-kms";
import { awsTestStack } from "../support/policy";

const PACK = [
  { rule: awsLambdaConcurrencyLimit, level: "error" as const },
  { rule: awsSnsKms, level: "error" as const },
];

function run(accepted: readonly AcceptedRisk[], build: (scope: Construct) => void) {
  const stack = awsTestStack(Testing.app());
  build(stack);
  const report = new PolicyReport();
  Aspects.of(stack).add(new PolicyAspect({ pack: PACK, context: { requiredTags: {} }, report, accepted }));
  Testing.synth(stack);
  return { report, errors: report.errors(stack).map((e) => `${e.ruleId} ${e.path}: ${e.message}`) };
}

const lambda = (scope: Construct, id: string) => {
  const group = new Construct(scope, id);
  new LambdaFunction(group, "trigger", { functionName: id, role: "arn:aws:iam::111111111111:role/r", runtime: "nodejs22.x", handler: "index.handler", filename: "x.zip" });
};

const ACCEPT_USERS: AcceptedRisk = { ruleId: "MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT", resources: "the pre-token Lambda", appliesTo: pathEndsWith("users/trigger"), reason: "synchronous Cognito trigger" };

describe("accepted risks in the policy aspect", () => {
  test("GIVEN an entry naming one Lambda THEN its finding is accepted with the rule's scanner ids, and another Lambda still fails", () => {
    const { report, errors } = run([ACCEPT_USERS], (s) => {
      lambda(s, "users");
      lambda(s, "other");
    });
    expect(errors).toEqual(["MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT test/other/trigger: A Lambda function sets reserved_concurrent_executions.: reserved_concurrent_executions is not set"]);
    expect(report.suppressions("test")).toEqual([
      { ruleId: "MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT", reason: "the pre-token Lambda: synchronous Cognito trigger", path: "test", matched: ["test/users/trigger"], scanners: { checkov: ["CKV_AWS_115"] }, source: "register" },
    ]);
  });

  test("GIVEN an entry that matches no finding THEN synth fails naming it (stale entries do not pile up)", () => {
    const { errors } = run([ACCEPT_USERS], (s) => new SnsTopic(s, "t", { name: "t", kmsMasterKeyId: "k" }));
    expect(errors).toEqual(["MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT test: accepted risk MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT (the pre-token Lambda) matches no finding; remove it from the register"]);
  });

  test("GIVEN an entry for a rule whose finding is compliant THEN it is stale too", () => {
    const { errors } = run([{ ...ACCEPT_USERS, ruleId: "MLOPS-AWS-SNS-KMS", appliesTo: everyResource }], (s) => new SnsTopic(s, "t", { name: "t", kmsMasterKeyId: "k" }));
    expect(errors).toEqual([expect.stringMatching(/^MLOPS-AWS-SNS-KMS test: accepted risk MLOPS-AWS-SNS-KMS .* matches no finding/)]);
  });

  test("GIVEN an entry with a reason under 10 characters THEN the aspect refuses it", () => {
    expect(() => run([{ ...ACCEPT_USERS, reason: "because" }], (s) => lambda(s, "users"))).toThrow(/\[test\] accepted risk MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT needs a reason of at least 10 characters; got "because"/);
  });
});

const PROD: RiskEnvironment = {
  name: "prod",
  logRetentionDays: 365,
  lifecycle: "persistent",
  resilience: "zonal",
  storage: { encryption: "kms", accessLogging: true },
  clouds: { azure: { network: { zoneRedundant: true } } },
};
const DEV: RiskEnvironment = {
  name: "dev",
  logRetentionDays: 14,
  lifecycle: "throwaway",
  resilience: "minimal",
  storage: { encryption: "managed", accessLogging: false },
  clouds: { azure: { network: { zoneRedundant: false } } },
};
const rules = (risks: AcceptedRisk[]) => risks.map((r) => r.ruleId).sort();

describe("the registers", () => {
  test("GIVEN prod THEN only the fixed choices are accepted (the access-log bucket's SSE-S3 because access logging is on)", () => {
    expect(rules(awsAcceptedRisks(PROD))).toEqual([
      "MLOPS-AWS-LAMBDA-CODE-SIGNING",
      "MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT",
      "MLOPS-AWS-LAMBDA-DLQ",
      "MLOPS-AWS-LAMBDA-IN-VPC",
      "MLOPS-AWS-LB-ACCESS-LOGS",
      "MLOPS-AWS-NO-ADMINISTRATOR-ACCESS",
      "MLOPS-AWS-S3-EVENT-NOTIFICATIONS",
      "MLOPS-AWS-S3-KMS",
      "MLOPS-AWS-S3-REPLICATION",
      "MLOPS-AWS-SECRET-ROTATION",
    ]);
    expect(awsAcceptedRisks(PROD).find((r) => r.ruleId === "MLOPS-AWS-S3-KMS")?.resources).toBe("the access-log bucket");
    expect(rules(azureAcceptedRisks(PROD))).not.toContain("MLOPS-AZURE-ACR-PREMIUM-HARDENING");
    expect(rules(gcpAcceptedRisks(PROD))).not.toContain("MLOPS-GCP-REGISTRY-CMEK");
  });

  test("GIVEN dev THEN each environment-driven entry names the config field and value in its reason", () => {
    const reasons = Object.fromEntries([...awsAcceptedRisks(DEV), ...azureAcceptedRisks(DEV), ...gcpAcceptedRisks(DEV)].map((r) => [r.ruleId, r.reason]));
    expect(reasons["MLOPS-AWS-S3-KMS"]).toMatch(/^storage.encryption is "managed" in the dev environment config \(environments\/dev.ts\): /);
    expect(reasons["MLOPS-AWS-S3-ACCESS-LOGGING"]).toMatch(/^storage.accessLogging is false in the dev environment config/);
    expect(reasons["MLOPS-AWS-RDS-DELETION-PROTECTION"]).toMatch(/^lifecycle is "throwaway"/);
    expect(reasons["MLOPS-AWS-RDS-MULTI-AZ"]).toMatch(/^resilience is "minimal"/);
    expect(reasons["MLOPS-AWS-LOG-RETENTION-ONE-YEAR"]).toMatch(/^logRetentionDays is 14/);
    expect(reasons["MLOPS-AZURE-ACR-PREMIUM-HARDENING"]).toMatch(/^clouds.azure.network.zoneRedundant is false .*registrySku unset the registry is Basic/);
    expect(reasons["MLOPS-AZURE-POSTGRES-GEO-BACKUP"]).toMatch(/^resilience is "minimal"/);
    expect(reasons["MLOPS-GCP-REGISTRY-CMEK"]).toMatch(/^storage.encryption is "managed"/);
    expect(reasons["MLOPS-GCP-BUCKET-ACCESS-LOGS"]).toMatch(/^storage.accessLogging is false/);
  });

  test("GIVEN an explicit non-Premium registry SKU THEN the reason names clouds.azure.registrySku", () => {
    const env = { ...PROD, clouds: { azure: { registrySku: "Standard" as const, network: { zoneRedundant: true } } } };
    expect(azureAcceptedRisks(env).find((r) => r.ruleId === "MLOPS-AZURE-ACR-PREMIUM-HARDENING")?.reason).toMatch(/^clouds.azure.registrySku is "Standard"/);
  });

  test("GIVEN any environment THEN no two entries of a register can claim the same finding (one rule, one resource set)", () => {
    for (const env of [PROD, DEV]) {
      for (const register of [awsAcceptedRisks, azureAcceptedRisks, gcpAcceptedRisks]) {
        const ids = register(env).map((r) => r.ruleId);
        expect(new Set(ids).size).toBe(ids.length);
      }
    }
  });
});
