/**
 * Day 0's database migration as a Cloud Run job with Direct VPC egress into the platform's subnet, so
 * nobody needs a machine in the VPC to reach Cloud SQL's private IP: `npm run day0` runs
 * `gcloud run jobs execute --container migrate --update-env-vars ... --wait` (scripts/day0-steps.ts).
 *
 * The instance accepts connectors only (`connector_enforcement = REQUIRED`), so psql cannot dial the
 * private IP itself: the job runs the Cloud SQL Auth Proxy as a sidecar (`--private-ip`), the migration
 * container starts after the proxy's startup probe and, when psql is done, stops it through the proxy's
 * `/quitquitquit` endpoint so the task ends. psql logs in as the built-in `postgres` user (a
 * cloudsqlsuperuser; the IAM users cannot create or grant): PGPASSWORD is the `mlflow-db-admin` secret of
 * Secret Manager, which Terraform fills with a generated first version and the day-0 step sets as
 * `postgres`'s password just before the run.
 *
 * The job's own service account may read that one secret and connect to that one instance
 * (`roles/cloudsql.client` with an IAM condition on it); nobody is granted `run.jobs.run` on the job, so
 * only the project's owners (the builder, the operator) can start it, with overrides
 * (`run.jobs.runWithOverrides`).
 * Deliberately not created: a schedule, retries, deletion protection (the job holds no data).
 */
import { Construct, IConstruct } from "constructs";
import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import type { PlatformDatabaseMigrationJob } from "../core/contracts";
import { MIGRATION_CLIENT_IMAGE, MIGRATION_CONTAINER, migrationCommand } from "../core/database-migration";
import { Naming } from "../core/naming";
import { CLOUD_SQL_PROXY_IMAGE } from "./cloud-run";
import { dependOn } from "./private/depends-on";
import type { Database } from "./database";
import type { Secrets } from "./secrets";

/** The Secret Manager secret (logical name) holding the built-in `postgres` user's password. */
export const DATABASE_ADMIN_SECRET = "mlflow-db-admin";

/** The built-in Cloud SQL superuser the migration logs in as. */
export const DATABASE_ADMIN_USER = "postgres";

export interface DatabaseMigrationJobProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  readonly networkId: string;
  readonly subnetId: string;
  readonly database: Database;
  /** Must hold DATABASE_ADMIN_SECRET. */
  readonly secrets: Secrets;
  /** @default MIGRATION_CLIENT_IMAGE */
  readonly image?: string;
  /** Seconds one execution may run. @default 600 */
  readonly timeoutSeconds?: number;
  /**
   * Constructs whose resources the job must find in place (the network: subnet, private services access):
   * day 0's database apply targets the job, and Terraform creates only what it depends on. @default - none
   */
  readonly after?: readonly IConstruct[];
}

/** Port of the proxy's admin server (`/quitquitquit`). */
const PROXY_ADMIN_PORT = 9091;

/** The migration job and its service account's two grants. */
export class DatabaseMigrationJob extends Construct implements PlatformDatabaseMigrationJob {
  readonly jobName: string;
  readonly containerName = MIGRATION_CONTAINER;
  readonly logLocation: string;
  readonly job: CloudRunV2Job;
  readonly account: ServiceAccount;

  constructor(scope: Construct, id: string, props: DatabaseMigrationJobProps) {
    super(scope, id);
    const n = props.naming;
    const db = props.database;
    this.jobName = n.bounded(49, "db-migrate");
    this.logLocation = `Cloud Logging: resource.type="cloud_run_job" resource.labels.job_name="${this.jobName}" (project ${props.projectId})`;
    const accountId = n.bounded(30, "db-migrate");
    this.account = new ServiceAccount(this, "account", {
      project: props.projectId,
      accountId,
      displayName: "db-migrate runtime",
      description: "Day-0 database migration job: connects to the MLflow instance, reads the admin password",
    });
    const member = `serviceAccount:${this.account.email}`;
    const secretId = props.secrets.secretId(DATABASE_ADMIN_SECRET);
    const readSecret = new SecretManagerSecretIamMember(this, "admin-secret", {
      project: props.projectId,
      secretId,
      role: "roles/secretmanager.secretAccessor",
      member,
    });
    const connect = new ProjectIamMember(this, "client", {
      project: props.projectId,
      role: "roles/cloudsql.client",
      member,
      condition: {
        title: "platform-database-only",
        expression: `resource.name == "projects/${props.projectId}/instances/${db.instanceName}" && resource.service == "sqladmin.googleapis.com"`,
      },
    });
    const firstVersion = props.secrets.firstVersions.get(DATABASE_ADMIN_SECRET);
    const quit = `wget -q -O /dev/null --post-data= http://127.0.0.1:${PROXY_ADMIN_PORT}/quitquitquit || true`;
    this.job = new CloudRunV2Job(this, "job", {
      name: this.jobName,
      project: props.projectId,
      location: props.region,
      deletionProtection: false,
      labels: { service: "db-migrate" },
      template: {
        taskCount: 1,
        parallelism: 1,
        template: {
          serviceAccount: this.account.email,
          executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
          maxRetries: 0,
          timeout: `${props.timeoutSeconds ?? 600}s`,
          // Direct VPC egress: only private ranges through the VPC (the instance's private IP); the
          // proxy reaches the Cloud SQL Admin API on Google's public endpoints.
          vpcAccess: { networkInterfaces: [{ network: props.networkId, subnetwork: props.subnetId }], egress: "PRIVATE_RANGES_ONLY" },
          containers: [
            {
              name: this.containerName,
              image: props.image ?? MIGRATION_CLIENT_IMAGE,
              command: migrationCommand(quit),
              dependsOn: ["cloud-sql-proxy"],
              env: [
                { name: "PGHOST", value: "127.0.0.1" },
                { name: "PGPORT", value: "5432" },
                { name: "PGUSER", value: DATABASE_ADMIN_USER },
                { name: "PGDATABASE", value: "postgres" },
                // The proxy encrypts to the instance; loopback to the proxy is plain.
                { name: "PGSSLMODE", value: "disable" },
                { name: "PGCONNECT_TIMEOUT", value: "10" },
                { name: "PGPASSWORD", valueSource: { secretKeyRef: { secret: secretId, version: "latest" } } },
              ],
              resources: { limits: { cpu: "1", memory: "512Mi" } },
            },
            {
              name: "cloud-sql-proxy",
              image: CLOUD_SQL_PROXY_IMAGE,
              args: [
                "--private-ip",
                "--structured-logs",
                "--port=5432",
                "--health-check",
                "--http-address=0.0.0.0",
                "--http-port=9090",
                "--quitquitquit",
                `--admin-port=${PROXY_ADMIN_PORT}`,
                db.connectionName,
              ],
              resources: { limits: { cpu: "1", memory: "512Mi" } },
              startupProbe: { httpGet: { path: "/startup", port: 9090 }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1 },
            },
          ],
        },
      },
      // The job reads the secret and connects when it runs, but the first execution follows at once.
      dependsOn: [readSecret, connect, db.instance, ...(firstVersion ? [firstVersion] : [])],
    });
    for (const c of props.after ?? []) dependOn(this.job, c);
  }
}
