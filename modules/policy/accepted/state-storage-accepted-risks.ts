/**
 * The findings a `<env>-<cloud>-state` stack keeps on purpose. Its one bucket holds Terraform state:
 * versioned, locked against deletion, reached only by Terraform runs (CI's builder and developer
 * identities, the day-0 operator), so the data-bucket checks that assume readers and consumers do
 * not fit it. Environment-driven entries name the backend field they come from.
 */
import { AcceptedRisk, everyResource } from "../accepted-risk";

/** What the state registers read: the backend's key choice (AWS), by environment. */
export interface StateRiskEnvironment {
  readonly name: string;
  readonly kmsKeyId?: string;
}

const AUDIT_REASON =
  "read and written only by Terraform runs of CI's identities and the day-0 operator; who did what is in the cloud's audit log (CloudTrail data events, Cloud Audit Logs), and a log bucket for it would need state storage of its own";

/** The AWS state bucket's accepted findings. */
export function awsStateAcceptedRisks(env: StateRiskEnvironment): AcceptedRisk[] {
  const risks: AcceptedRisk[] = [
    {
      ruleId: "MLOPS-AWS-S3-REPLICATION",
      resources: "the state bucket",
      appliesTo: everyResource,
      reason: "versioned with deletion blocked, so every state write can be rolled back; cross-region disaster recovery is out of scope for the single-region platform",
    },
    {
      ruleId: "MLOPS-AWS-S3-EVENT-NOTIFICATIONS",
      resources: "the state bucket",
      appliesTo: everyResource,
      reason: "nothing consumes state changes; Terraform's lock file is the only coordination",
    },
    { ruleId: "MLOPS-AWS-S3-ACCESS-LOGGING", resources: "the state bucket", appliesTo: everyResource, reason: AUDIT_REASON },
  ];
  if (!env.kmsKeyId) {
    risks.push({
      ruleId: "MLOPS-AWS-S3-KMS",
      resources: "the state bucket",
      appliesTo: everyResource,
      reason: `clouds.aws.backend.kmsKeyId is not set in the ${env.name} environment config (environments/${env.name}.ts), so state is encrypted with SSE-S3; the platform's own key cannot encrypt the state that creates it`,
    });
  }
  return risks;
}

/** The Google state bucket's accepted findings. */
export function gcpStateAcceptedRisks(): AcceptedRisk[] {
  return [{ ruleId: "MLOPS-GCP-BUCKET-ACCESS-LOGS", resources: "the state bucket", appliesTo: everyResource, reason: AUDIT_REASON }];
}

/** The Azure state account's accepted findings (rules that came with the Azure scanner checks of issue 16). */
export function azureStateAcceptedRisks(): AcceptedRisk[] {
  const account = "the state storage account";
  return [
    {
      ruleId: "MLOPS-AZURE-STORAGE-PUBLIC-NETWORK",
      resources: account,
      appliesTo: everyResource,
      reason: "Terraform reaches its state from workstations (day 0) and GitHub-hosted runners, outside any VNet; shared keys are off, so every read and write needs an Entra ID token with a data role on this account",
    },
    {
      ruleId: "MLOPS-AZURE-STORAGE-PRIVATE-ENDPOINT",
      resources: account,
      appliesTo: everyResource,
      reason: "created before any network exists (the platform stack's VNet keeps its state here), and reached from outside Azure by Terraform runs",
    },
    { ruleId: "MLOPS-AZURE-STORAGE-CMK", resources: account, appliesTo: everyResource, reason: "Microsoft-managed keys: a customer key would live in a vault that needs state storage of its own first" },
    { ruleId: "MLOPS-AZURE-STORAGE-QUEUE-CLASSIC-LOGGING", resources: account, appliesTo: everyResource, reason: "no queues: the account holds one blob container of Terraform state" },
    { ruleId: "MLOPS-AZURE-BLOB-STORAGE-INSIGHTS", resources: account, appliesTo: everyResource, reason: AUDIT_REASON.replace("CloudTrail data events, Cloud Audit Logs", "the Azure activity log and Entra ID sign-in logs") },
  ];
}
