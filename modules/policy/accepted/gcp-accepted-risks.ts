/** The Google Cloud findings a stack keeps on purpose, and why (see aws-accepted-risks.ts for the shape). */
import { AcceptedRisk, RiskRegister, everyResource, pathEndsWith } from "../accepted-risk";
import { configChoice, managedKeys } from "./config-reason";

const ALWAYS: readonly AcceptedRisk[] = [
  {
    ruleId: "MLOPS-GCP-SQL-CLIENT-CERTIFICATES",
    resources: "the MLflow Cloud SQL instance",
    appliesTo: everyResource,
    reason: "clients connect only through the Cloud SQL Auth Proxy (connector_enforcement REQUIRED) with IAM database authentication, which authenticates with short-lived certificates; ssl_mode ENCRYPTED_ONLY refuses plain connections, and long-lived client certificates would be weaker",
  },
  {
    ruleId: "MLOPS-GCP-PROJECT-OWNER",
    resources: "the CI builder service account",
    appliesTo: pathEndsWith("ci/builder-owner"),
    reason: "the builder applies the whole stack, which grants IAM roles on the project, so any role set that lets it do so is owner-equivalent; it is impersonable only from main and the environment's GitHub environment (MLOPS-GCP-WIF-PROVIDER-SCOPED), and no other principal may hold it (MLOPS-GCP-CI-ADMIN-ONLY-BUILDER)",
  },
  {
    ruleId: "MLOPS-GCP-SQL-LATEST-MAJOR",
    resources: "the MLflow Cloud SQL instance",
    appliesTo: everyResource,
    reason: "it runs the PostgreSQL major the AWS and Azure servers run and MLflow is tested with; major upgrades are planned for the three clouds together (in place on Cloud SQL), not whenever the scanner's idea of latest moves",
  },
];

/** The Google register: the fixed choices plus those the environment config makes. */
export const gcpAcceptedRisks: RiskRegister = (env) => {
  const risks: AcceptedRisk[] = [...ALWAYS];
  if (env.storage.accessLogging) {
    risks.push({
      ruleId: "MLOPS-GCP-BUCKET-ACCESS-LOGS",
      resources: "the access-log bucket",
      appliesTo: pathEndsWith("storage/access-logs"),
      reason: "it is the log: the other buckets write their usage logs into it, and logging it into itself would log its own log writes",
    });
  } else {
    risks.push({
      ruleId: "MLOPS-GCP-BUCKET-ACCESS-LOGS",
      resources: "every bucket",
      appliesTo: everyResource,
      reason: configChoice(env, "storage.accessLogging", false, "no usage logs; Cloud Audit Logs still record bucket changes"),
    });
  }
  if (env.storage.encryption === "managed") {
    risks.push({ ruleId: "MLOPS-GCP-REGISTRY-CMEK", resources: "the Artifact Registry repository", appliesTo: everyResource, reason: managedKeys(env) });
    risks.push({ ruleId: "MLOPS-GCP-PUBSUB-CMEK", resources: "the data-arrival topics", appliesTo: everyResource, reason: managedKeys(env) });
  }
  return risks;
};
