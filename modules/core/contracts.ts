/**
 * Cloud-neutral contracts: what each cloud's modules expose to the stacks, the outputs and the synth
 * summary. Every concept below has one module per cloud (`modules/<cloud>/<concept>.ts`) implementing
 * it; stacks type their fields as these, not as one cloud's classes. Core imports nothing above it.
 */
import type { BucketPurpose, WorkloadKind } from "./workload-spec";

/** A labelled link into a cloud console, printed in the synth summary and exported as `console_<what>`. */
export interface ConsoleLink {
  readonly label: string;
  readonly url: string;
}

/** The network the platform runs in (`network.ts`). */
export interface PlatformNetwork {
  /** VPC / VNet / VPC network id: output `network_id`. */
  readonly networkId: string;
  readonly cidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
}

/** Where each service's images live (`registry.ts`). */
export interface PlatformRegistry {
  /** Repository address without tag or digest, e.g. `<acct>.dkr.ecr.<region>.amazonaws.com/mlops-dev/model-api`: output `registry_<service>`. */
  repositoryUrl(service: string): string;
}

/** The platform's buckets, one per purpose (`object-storage.ts`). Azure's buckets are blob containers. */
export interface PlatformObjectStorage {
  /** Bucket (or blob container) name: output `bucket_<purpose>`, env `BUCKET_<PURPOSE>`. */
  bucketName(purpose: BucketPurpose): string;
}

/** The secret store (`secrets.ts`): secret values never pass through Terraform config or env values. */
export interface PlatformSecrets {
  /** The names of the secrets the store holds for workloads. */
  readonly names: readonly string[];
}

/** The MLflow backend store (`database.ts`). */
export interface PlatformDatabase {
  /**
   * What a client in the platform's network connects to: output `database_endpoint`. The RDS
   * instance's address, the flexible server's FQDN, the Cloud SQL instance's connection name
   * (`project:region:instance`, what the Auth Proxy and the connectors take: the workloads reach it so).
   */
  readonly endpoint: string;
  readonly databaseName: string;
  /** Port the database answers on (as the workload sees it). */
  readonly port: number;
}

/** One workload on the cloud's container runtime (`ecs-fargate.ts`, `container-apps.ts`, `cloud-run.ts`). */
export interface PlatformWorkload {
  /** Catalog name (`model-api`). */
  readonly name: string;
  readonly kind: WorkloadKind;
  /** Public endpoint (with the edge's route prefix, if any), or undefined: output `url_<service>`. */
  readonly publicUrl?: string;
}

/** The public edge in front of the workloads (`ingress.ts`); Azure and Google expose the runtime's own front end. */
export interface PlatformIngress {
  /** The edge's base URL. */
  readonly endpoint: string;
}

/** Starts a job when an object lands under a prefix (`data-trigger.ts`). */
export interface PlatformDataTrigger {
  /** Catalog name of the job it starts. */
  readonly jobName: string;
  readonly bucket: BucketPurpose;
  readonly prefix: string;
}

/** The three identities CI assumes through GitHub OIDC. */
export const CI_PERSONAS = ["publisher", "builder", "developer"] as const;
export type CiPersona = (typeof CI_PERSONAS)[number];

/** Keyless CI identities trusted for this repository only (`ci-identity.ts`). */
export interface PlatformCiIdentity {
  /** What a workflow logs in with, per persona (role ARN, managed identity client id, service account e-mail): output `ci_<persona>`. */
  readonly loginIds: Readonly<Record<CiPersona, string>>;
}

/** Alerts, dashboards and console links (`monitoring.ts`). */
export interface PlatformMonitoring {
  /** Console links of the cloud's own (alerting, uptime checks...), beyond the shared {@link PlatformConsoleLinks}. */
  readonly links: readonly ConsoleLink[];
}

/**
 * The console pages every cloud's stack exports under the same names (modules/core/outputs.ts):
 * a reader who knows one cloud's `console_dashboard` finds the same page on the next.
 */
export interface PlatformConsoleLinks {
  /** The platform's monitoring dashboard: `console_dashboard`. */
  readonly dashboard: string;
  /** Where the alerts fire (CloudWatch alarms, the resource group's alerts, Cloud Monitoring alerting): `console_alerting`. */
  readonly alerting: string;
  /** The network (VPC, VNet, VPC network): `console_network`. */
  readonly network: string;
  /** Where the workloads run (ECS cluster, Container Apps environment, Cloud Run): `console_runtime`. */
  readonly runtime: string;
  /** The image registry: `console_registry`. */
  readonly registry: string;
  /** The object storage holding the buckets: `console_storage`. */
  readonly storage: string;
  /** The database server, when the stack has one: `console_database`. */
  readonly database?: string;
  /** Logs of each workload, by catalog name, one per workload: `console_logs_<workload>`. */
  readonly logs: Readonly<Record<string, string>>;
}

/**
 * The one-off job that runs day 0's database migration from inside the platform's network
 * (`database-migration-job.ts`): a pinned PostgreSQL client image whose command runs the SQL the
 * starter passes in `MIGRATION_SQL_VARIABLE` (modules/core/database-migration.ts), logged in as the
 * server's admin with the credential from the cloud's secret store. Only the builder may start it.
 */
export interface PlatformDatabaseMigrationJob {
  /** What the cloud's CLI starts: ECS task definition family, Container Apps job name, Cloud Run job name. */
  readonly jobName: string;
  /** The container the SQL goes to. */
  readonly containerName: string;
  /** Where an execution's output lands (a log group, a Log Analytics table, a Cloud Logging filter). */
  readonly logLocation: string;
}
