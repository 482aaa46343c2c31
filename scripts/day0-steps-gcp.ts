/** The day-0 runbook on Google Cloud: gcloud login, service agents, Artifact Registry pushes, Secret Manager values, the migration job on Cloud Run. */
import type { GcpCloudConfig } from "../environments/schema";
import { MIGRATION_CONTAINER, MIGRATION_OUTPUTS, MIGRATION_SQL_VARIABLE } from "../modules/core/database-migration";
import { migrationAdminSecret } from "./day0-foundation";
import { Context, Day0Step, emitSql, script } from "./day0-context";

/** The day-0 steps on Google Cloud, in order (the shared ones from `Context`, this cloud's commands in them). */
export function gcpSteps(ctx: Context, gcp: GcpCloudConfig): Day0Step[] {
  const p = gcp.projectId;
  return [
    ctx.loginStep("Log in with your own account (gcloud, and application default credentials for Terraform)", [
      "gcloud auth login",
      "gcloud auth application-default login",
      `gcloud config set project ${p}`,
    ]),
    ctx.prepareStep(
      "Prepare the project (once)",
      "Service Usage and Resource Manager let Terraform enable the rest; the Artifact Registry, Eventarc and Pub/Sub service\n" +
        "agents exist only after `services identity create` (or a first use), and the platform grants them roles\n" +
        "(Pub/Sub's a KMS role in staging and prod).",
      [
        `gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com storage.googleapis.com artifactregistry.googleapis.com eventarc.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=artifactregistry.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=eventarc.googleapis.com --project ${p}`,
        `gcloud beta services identity create --service=pubsub.googleapis.com --project ${p}`,
      ],
    ),
    ctx.stateSteps(),
    ...ctx.afterState({
      handOver: [
        { name: "GCP_WORKLOAD_IDENTITY_PROVIDER", scope: "environment", output: "ci_workload_identity_provider" },
        { name: "GCP_SERVICE_ACCOUNT", scope: "environment", output: "ci_builder" },
        { name: `GCP_WORKLOAD_IDENTITY_PROVIDER_${ctx.envVar}`, scope: "repository", output: "ci_workload_identity_provider" },
        { name: `GCP_SERVICE_ACCOUNT_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
        { name: `GCP_SERVICE_ACCOUNT_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
      ],
      secret: (s) => `openssl rand -base64 48 | tr -d '\\n' | gcloud secrets versions add ${s} --data-file=- --project ${p}`,
      reach:
        "The instance has a private IP only: the stack's migration job (Cloud Run, Direct VPC egress, the Cloud SQL Auth Proxy\n" +
        "as a sidecar) runs the SQL printed here as the built-in postgres user. Its password is the Secret Manager secret the\n" +
        "job reads, set on the user here first. --wait returns when the execution ends, failing when it failed.",
      migrate: (db) => {
        const secret = migrationAdminSecret(ctx.opts.stack) ?? "<no migration job in the stack>";
        const out = (name: string) => `"$(${ctx.tf(ctx.stack)} output -raw ${name})"`;
        // A password login (a declared one; MLflow signs in with IAM) gets the value its secret holds.
        const rolePassword =
          db.login !== "password"
            ? []
            : db.passwordSecret
              ? [`${db.passwordEnv}="$(gcloud secrets versions access latest --secret ${db.passwordSecret.name} --project ${p})"; export ${db.passwordEnv}`]
              : [`: "\${${db.passwordEnv}:?set ${db.passwordEnv} to the password ${db.owner} reads for ${db.role}}"`];
        return [
          `password="$(gcloud secrets versions access latest --secret ${secret} --project ${p})"; ` +
            `gcloud sql users set-password ${db.adminUser} --instance ${db.server} --password "$password" --project ${p}`,
          script([
            ...rolePassword,
            emitSql(db),
            `job=${out(MIGRATION_OUTPUTS.job)}`,
            // Flags for the execution first: those after --container apply to that container only.
            `gcloud run jobs execute "$job" --region ${gcp.region} --project ${p} --wait --container ${MIGRATION_CONTAINER} --update-env-vars "${MIGRATION_SQL_VARIABLE}=$sql" || ` +
              `{ echo "day0: the migration job failed; its output: gcloud logging read 'resource.type=\\"cloud_run_job\\" AND resource.labels.job_name=\\"$job\\"' --project ${p} --limit 50" >&2; exit 1; }`,
          ]),
        ];
      },
    }),
  ];
}
