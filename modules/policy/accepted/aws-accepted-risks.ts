/**
 * The AWS findings a stack keeps on purpose (issue 16: Checkov 3.3.13 on the synthesized stacks). Each
 * entry names the rule (whose metadata holds the scanner ids) and why; environment-driven entries exist
 * only where the environment config makes that choice and name the field.
 */
import { AcceptedRisk, RiskRegister, everyResource, pathEndsWith } from "../accepted-risk";
import { configChoice, managedKeys } from "./config-reason";

const PRE_TOKEN_LAMBDA = "the Cognito pre-token Lambda";
const preTokenLambda = pathEndsWith("users/trigger");

/** The choices every environment makes. */
const ALWAYS: readonly AcceptedRisk[] = [
  {
    ruleId: "MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT",
    resources: PRE_TOKEN_LAMBDA,
    appliesTo: preTokenLambda,
    reason: "Cognito calls it synchronously on every sign-in, so a reserved cap would throttle sign-ins; a new account's concurrency quota (10) leaves nothing to reserve",
  },
  {
    ruleId: "MLOPS-AWS-LAMBDA-DLQ",
    resources: PRE_TOKEN_LAMBDA,
    appliesTo: preTokenLambda,
    reason: "invoked synchronously by Cognito, which fails the sign-in on an error; a dead-letter queue only receives failed asynchronous invocations",
  },
  {
    ruleId: "MLOPS-AWS-LAMBDA-IN-VPC",
    resources: PRE_TOKEN_LAMBDA,
    appliesTo: preTokenLambda,
    reason: "it reads only the event Cognito passes (groups to scopes) and calls nothing, in the VPC or outside; VPC attachment would add network interfaces and cold-start time and no control",
  },
  {
    ruleId: "MLOPS-AWS-LAMBDA-CODE-SIGNING",
    resources: PRE_TOKEN_LAMBDA,
    appliesTo: preTokenLambda,
    reason: "its code is a file of this repository, reviewed by pull request and zipped at synth; only the builder role (main branch, GitHub environment) can update it; there is no AWS Signer profile to sign with",
  },
  {
    ruleId: "MLOPS-AWS-LB-ACCESS-LOGS",
    resources: "the internal NLB",
    appliesTo: pathEndsWith("nlb"),
    reason: "its listeners are TCP and an NLB writes access logs for TLS listeners only; requests are logged by the API Gateway stage's access log and connections by the VPC flow log",
  },
  {
    ruleId: "MLOPS-AWS-S3-REPLICATION",
    resources: "every bucket",
    appliesTo: everyResource,
    reason: "single-region platform by design: buckets are versioned and keep noncurrent versions (storage.noncurrentVersionExpirationDays); a replica bucket would fail the same check; cross-region disaster recovery is out of scope",
  },
  {
    ruleId: "MLOPS-AWS-S3-EVENT-NOTIFICATIONS",
    resources: "every bucket but raw",
    appliesTo: (r) => !r.path.endsWith("/storage/raw"),
    reason: "nothing consumes their changes; only new raw data starts work (the raw bucket's notification starts the transform job)",
  },
  {
    ruleId: "MLOPS-AWS-SECRET-ROTATION",
    resources: "the model API's signing key and MLflow's database login",
    appliesTo: (r) => r.path.endsWith("secrets/model-api-signing-key") || r.path.endsWith("database/app-login"),
    reason:
      "signing key: ECS injects the value once, at task start, and nothing reads AWSPREVIOUS, so a rotation would split running tasks between two keys until a redeploy; the image does not use the key yet (no MODEL_API_SIGNING_KEY read under images/), so rotation lands with its first use and a two-version read. " +
      "Database login: the password is the database role's, rotated by re-running scripts/database-migrate.ts with a new MLFLOW_DB_PASSWORD and putting the same value here in one runbook step; a rotation Lambda would need the master password and a path to the database",
  },
  {
    ruleId: "MLOPS-AWS-NO-ADMINISTRATOR-ACCESS",
    resources: "the CI builder role",
    appliesTo: pathEndsWith("ci/builder-admin"),
    reason: "the builder applies the whole stack, which creates IAM roles and policies, so any policy that lets it do so is administrator-equivalent; it is assumable only from main and the environment's GitHub environment (MLOPS-AWS-OIDC-TRUST-SCOPED), and no other role may hold it (MLOPS-AWS-ADMIN-ONLY-BUILDER)",
  },
];

/** The AWS register: the fixed choices plus those the environment config makes. */
export const awsAcceptedRisks: RiskRegister = (env) => {
  const risks: AcceptedRisk[] = [...ALWAYS];
  if (env.storage.encryption === "managed") {
    const reason = managedKeys(env);
    risks.push(
      { ruleId: "MLOPS-AWS-S3-KMS", resources: "every bucket", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-SNS-KMS", resources: "the alert topic", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-ECR-KMS", resources: "every repository", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-SECRET-KMS", resources: "MLflow's database login secret", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-LOG-GROUP-KMS", resources: "every log group", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-MWAA-KMS", resources: "the MWAA environment", appliesTo: everyResource, reason },
    );
  } else if (env.storage.accessLogging) {
    risks.push({
      ruleId: "MLOPS-AWS-S3-KMS",
      resources: "the access-log bucket",
      appliesTo: pathEndsWith("storage/access-logs"),
      reason: "S3 server access logging delivers only to a target bucket with SSE-S3 (AES256) default encryption, never SSE-KMS (Amazon S3 user guide, server access logging); the logs hold request metadata, not data",
    });
  }
  if (!env.storage.accessLogging) {
    risks.push({
      ruleId: "MLOPS-AWS-S3-ACCESS-LOGGING",
      resources: "every bucket",
      appliesTo: everyResource,
      reason: configChoice(env, "storage.accessLogging", false, "no server access logs; CloudTrail management events still record bucket changes"),
    });
  }
  if (env.lifecycle === "throwaway") {
    const reason = configChoice(env, "lifecycle", env.lifecycle, "a disposable environment that CI may destroy");
    risks.push(
      { ruleId: "MLOPS-AWS-RDS-DELETION-PROTECTION", resources: "the MLflow database", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-LB-DELETION-PROTECTION", resources: "the internal NLB", appliesTo: everyResource, reason },
    );
  }
  if (env.resilience === "minimal") {
    const reason = configChoice(env, "resilience", env.resilience, "one instance, no standby, no Performance Insights");
    risks.push(
      { ruleId: "MLOPS-AWS-RDS-MULTI-AZ", resources: "the MLflow database", appliesTo: everyResource, reason },
      { ruleId: "MLOPS-AWS-RDS-PERFORMANCE-INSIGHTS", resources: "the MLflow database", appliesTo: everyResource, reason },
    );
  }
  if (env.logRetentionDays > 0 && env.logRetentionDays < 365) {
    risks.push({
      ruleId: "MLOPS-AWS-LOG-RETENTION-ONE-YEAR",
      resources: "every log group",
      appliesTo: everyResource,
      reason: configChoice(env, "logRetentionDays", env.logRetentionDays, "logs of a non-production environment are not kept a year"),
    });
  }
  return risks;
};
