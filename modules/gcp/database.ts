/**
 * The MLflow backend store: Cloud SQL for PostgreSQL 16 with a private IP only (private services
 * access; `ipv4_enabled = false`, so no public address and no authorized networks), TLS required,
 * connections only through the Cloud SQL connectors (the Auth Proxy sidecar), automated backups
 * with point-in-time recovery where the retention allows it, query insights, the PostgreSQL log
 * and audit flags (pgAudit for DDL and role changes, DDL statements, durations, client host names),
 * regional HA and deletion protection when the environment wants them.
 *
 * The connection name, database name and user names it exposes are references to the resources
 * (not literals), so a workload that uses them (the Auth Proxy argument, DB_NAME, DB_USER) is
 * created after the instance, its database and its user.
 *
 * Authentication: IAM database authentication, no password at all. The workloads that use the
 * database log in as their service account (`google_sql_user` of type CLOUD_IAM_SERVICE_ACCOUNT);
 * the Auth Proxy sidecar (`--auto-iam-authn`) fetches short-lived tokens. Nothing secret reaches
 * the state or cdk.tf.json, and no workload has a password. It deliberately sets no
 * `root_password` and creates no built-in user. One step is SQL, not an API: on day 0 the migration
 * job (modules/gcp/database-migration-job.ts) runs `scripts/database-migrate.ts --login existing`'s SQL
 * once as the built-in `postgres` user (its password: a generated Secret Manager secret the day-0 step
 * sets on the user), which gives the IAM user (MLflow's dedicated login) its own schema and nothing
 * else (PostgreSQL 15+ no longer lets every user create tables in `public`). pgAudit also needs
 * `CREATE EXTENSION pgaudit` in the database (by a cloudsqlsuperuser): until then the `pgaudit.log`
 * flag logs nothing; the same step runs it (`--extension pgaudit`, added by the runbook wherever
 * `cloudsql.enable_pgaudit` is on).
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlDatabaseInstance } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { notOneOf, ValidationError } from "../core/errors";
import { backupRetentionProblem } from "../core/intent";
import type { PlatformDatabase } from "../core/contracts";
import { Naming } from "../core/naming";

/** Machine tier per size; Enterprise edition custom machines (shared-core tiers have no SLA). */
export const DATABASE_TIERS = {
  small: "db-custom-1-3840",
  medium: "db-custom-2-7680",
  large: "db-custom-4-16384",
} as const;

export interface DatabaseProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  /** VPC id the private IP lives in. */
  readonly networkId: string;
  /** The private services connection the instance must wait for. */
  readonly privateServicesConnection: ITerraformDependable;
  /** Size, as on every cloud. @default "small" */
  readonly tier?: keyof typeof DATABASE_TIERS;
  /** Cloud SQL machine tier over the one `tier` maps to (AWS: `instanceClass`). @default - DATABASE_TIERS[tier] */
  readonly machineTier?: string;
  /** Disk in GiB; grows automatically. @default 20 */
  readonly storageGiB?: number;
  /** Standby in a second zone (REGIONAL). @default false */
  readonly highAvailability?: boolean;
  /** Refuse deletion, as on every cloud: in Terraform and in the Cloud SQL API. @default true */
  readonly deletionProtection?: boolean;
  /** Keep a copy on destroy, as on every cloud: Cloud SQL keeps the instance's backups after deletion (`retain_backups_on_delete`). @default true */
  readonly finalSnapshot?: boolean;
  /** Daily backups kept, 1-35 (never off: `resolveDatabase` in modules/core/intent.ts). @default 7 */
  readonly backupRetentionDays?: number;
  /** Service account e-mails that log in with IAM database authentication. @default - none */
  readonly iamServiceAccounts?: readonly string[];
  /** Labels on the instance (Cloud SQL keeps them in settings, out of reach of provider default labels). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Database name. @default "mlflow" */
  readonly databaseName?: string;
}

/** One PostgreSQL instance, its database and the IAM users. */
export class Database extends Construct implements PlatformDatabase {
  readonly instance: SqlDatabaseInstance;
  readonly instanceName: string;
  readonly database: SqlDatabase;
  /** The database's `name` attribute (a reference: users of it wait for the database). */
  readonly databaseName: string;
  /** Through the Cloud SQL Auth Proxy sidecar on 127.0.0.1. */
  readonly port = 5432;
  /** `project:region:instance` (the instance's `connection_name`), what the Auth Proxy connects to. */
  readonly connectionName: string;
  /** The connection name, as the workloads' Auth Proxy reaches the instance: output `database_endpoint`. */
  readonly endpoint: string;
  /** Database user name of each IAM service account (the user's `name` attribute), by e-mail. */
  readonly iamUserNames: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const size = props.tier ?? "small";
    if (!(size in DATABASE_TIERS)) throw new ValidationError(notOneOf("tier", size, Object.keys(DATABASE_TIERS)), this);
    const tier = props.machineTier ?? DATABASE_TIERS[size];
    const storageGiB = props.storageGiB ?? 20;
    const ha = props.highAvailability ?? false;
    const deletionProtection = props.deletionProtection ?? true;
    const retention = props.backupRetentionDays ?? 7;
    const backupProblem = backupRetentionProblem(retention, "gcp");
    if (backupProblem) throw new ValidationError(backupProblem, this);
    const finalSnapshot = props.finalSnapshot ?? true;
    const databaseName = props.databaseName ?? "mlflow";
    if (!Number.isInteger(storageGiB) || storageGiB < 10) {
      throw new ValidationError(`storageGiB must be an integer of at least 10; got ${storageGiB}`, this);
    }
    // Point-in-time recovery keeps up to 7 days of WAL, never more than the backups cover.
    const pitr = retention >= 2;
    this.instanceName = props.naming.bounded(80, "mlflow");

    this.instance = new SqlDatabaseInstance(this, "instance", {
      name: this.instanceName,
      project: props.projectId,
      region: props.region,
      databaseVersion: "POSTGRES_16",
      deletionProtection,
      dependsOn: [props.privateServicesConnection],
      settings: {
        edition: "ENTERPRISE",
        tier,
        availabilityType: ha ? "REGIONAL" : "ZONAL",
        diskType: "PD_SSD",
        diskSize: storageGiB,
        diskAutoresize: true,
        diskAutoresizeLimit: storageGiB * 10,
        deletionProtectionEnabled: deletionProtection,
        retainBackupsOnDelete: finalSnapshot,
        connectorEnforcement: "REQUIRED",
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: props.networkId,
          sslMode: "ENCRYPTED_ONLY",
          enablePrivatePathForGoogleCloudServices: false,
        },
        backupConfiguration: {
          enabled: true,
          startTime: "02:00",
          location: props.region,
          pointInTimeRecoveryEnabled: pitr,
          transactionLogRetentionDays: pitr ? Math.min(7, retention) : undefined,
          backupRetentionSettings: { retainedBackups: retention, retentionUnit: "COUNT" },
        },
        insightsConfig: { queryInsightsEnabled: true, recordApplicationTags: false, recordClientAddress: false },
        maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
        databaseFlags: [
          { name: "cloudsql.iam_authentication", value: "on" },
          { name: "log_checkpoints", value: "on" },
          { name: "log_connections", value: "on" },
          { name: "log_disconnections", value: "on" },
          { name: "log_lock_waits", value: "on" },
          { name: "log_min_error_statement", value: "error" },
          { name: "log_temp_files", value: "0" },
          { name: "log_min_duration_statement", value: "-1" },
          // Checkov CKV_GCP_108/110/111, CKV2_GCP_13. `ddl` (not `all`) keeps data values out of the logs.
          { name: "log_hostname", value: "on" },
          { name: "log_duration", value: "on" },
          { name: "log_statement", value: "ddl" },
          { name: "cloudsql.enable_pgaudit", value: "on" },
          { name: "pgaudit.log", value: "ddl,role" },
        ],
        userLabels: { ...(props.labels ?? {}), component: "mlflow-backend" },
      },
    });
    // `connection_name` is computed (resource_sql_database_instance.go, v6.50.0): a reference orders the proxy after the instance.
    this.connectionName = this.instance.connectionName;
    this.endpoint = this.connectionName;

    this.database = new SqlDatabase(this, "database", {
      name: databaseName,
      project: props.projectId,
      instance: this.instance.name,
      // Keep the database when Terraform drops it from config: MLflow's runs live here.
      deletionPolicy: "ABANDON",
    });
    this.databaseName = this.database.name;

    const users = new Map<string, string>();
    for (const email of props.iamServiceAccounts ?? []) {
      const name = email.replace(/\.gserviceaccount\.com$/, "");
      const user = new SqlUser(this, `iam-${email.split("@")[0]}`, {
        project: props.projectId,
        instance: this.instance.name,
        name,
        type: "CLOUD_IAM_SERVICE_ACCOUNT",
      });
      // The user's own `name` attribute: DB_USER then waits for the user to exist.
      users.set(email, user.name);
    }
    this.iamUserNames = users;
  }
}
