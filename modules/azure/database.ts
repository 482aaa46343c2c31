/**
 * MLflow's backend store: PostgreSQL Flexible Server 16 with private access only (delegated subnet,
 * private DNS zone linked to the VNet, public network access off: so the AVM caveat of an allow-all
 * firewall rule can never apply), TLS required, Entra ID authentication enabled next to the
 * password, backups kept `backupRetentionDays` (Azure's floor is 7), geo-redundant backups and
 * zone-redundant HA when asked, logs to Log Analytics, and one database `mlflow`.
 *
 * The administrator password is the Key Vault secret the caller generated: read back from the
 * vault as an ephemeral value and passed write-only (`administrator_password_wo` + version), so the
 * server and the secret always agree and the password is in neither the
 * state nor the synthesized JSON. MLflow never sees it: it connects as its own least-privilege role
 * `appUser` (`mlflow_app`, as on AWS), whose password is another generated Key Vault secret (`appPassword`,
 * read by MLflow through a Key Vault reference). azurerm has no PostgreSQL role resource and the server is
 * private, so the role itself is created in the database by the day-0 migration step
 * (`scripts/database-migrate.ts --role mlflow_app --login password`, password read from that secret).
 * `deletionProtection` puts a CanNotDelete lock on the server (RDS's deletion protection). The lock is
 * inherited by the database, the server configurations and the diagnostic setting beneath it: replacing one
 * of those fails with ScopeLocked until the lock is removed (README, "Replacing something under a delete lock").
 *
 * Deliberately not created: read replicas, customer-managed keys, Entra administrators (no
 * principal ids in config yet: add them with `PostgresqlFlexibleServerActiveDirectoryAdministrator`).
 */
import { Construct } from "constructs";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { PostgresqlFlexibleServer } from "@cdktf/provider-azurerm/lib/postgresql-flexible-server";
import { PostgresqlFlexibleServerConfiguration } from "@cdktf/provider-azurerm/lib/postgresql-flexible-server-configuration";
import { PostgresqlFlexibleServerDatabase } from "@cdktf/provider-azurerm/lib/postgresql-flexible-server-database";
import { ValidationError, notOneOf } from "../core/errors";
import { backupRetentionProblem } from "../core/intent";
import type { PlatformDatabase } from "../core/contracts";
import { Naming } from "../core/naming";
import { addDiagnostics } from "./private/diagnostics";
import { globalName } from "./private/names";
import type { Network } from "./network";
import type { GeneratedSecret } from "./secrets";

export const DATABASE_TIERS = ["small", "medium", "large"] as const;
export type DatabaseTier = (typeof DATABASE_TIERS)[number];

/** Tier to SKU: Burstable for small (no HA possible), General Purpose otherwise. */
export const POSTGRES_SKU: Record<DatabaseTier, string> = {
  small: "B_Standard_B1ms",
  medium: "GP_Standard_D2ds_v5",
  large: "GP_Standard_D4ds_v5",
};

/** Storage sizes Flexible Server accepts, in MiB. */
const STORAGE_MB = [32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408];

export interface DatabaseProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  /** Seed for the globally unique server name (the subscription id). */
  readonly uniqueSeed: string;
  readonly network: Network;
  /** The generated administrator password (Secrets.generate). */
  readonly password: GeneratedSecret;
  /** The generated password of MLflow's own role `appUser` (Secrets.generate, e.g. `mlflow-db-role-password`). */
  readonly appPassword: GeneratedSecret;
  /** @default "small" */
  readonly tier?: DatabaseTier;
  /** Rounded up to the next size Azure offers (32 GiB minimum). @default 32 */
  readonly storageGiB?: number;
  /** Zone-redundant standby (General Purpose tiers only). @default false */
  readonly highAvailability?: boolean;
  /** Backups also in the paired region. @default - same as highAvailability */
  readonly geoRedundantBackup?: boolean;
  /** Days of automated backups, 7-35 on Azure (`resolveDatabase` in modules/core/intent.ts raises an environment's days to 7). @default 7 */
  readonly backupRetentionDays?: number;
  /** Refuse deletion, as on every cloud: a CanNotDelete lock on the server. @default true */
  readonly deletionProtection?: boolean;
  /** @default "mlflowadmin" */
  readonly administratorLogin?: string;
  /** @default "mlflow" */
  readonly databaseName?: string;
  /** @default - no diagnostic setting */
  readonly logWorkspaceId?: string;
}

/** PostgreSQL Flexible Server, its database and settings. */
export class Database extends Construct implements PlatformDatabase {
  readonly server: PostgresqlFlexibleServer;
  readonly host: string;
  /** The server's FQDN, as `host`: output `database_endpoint`. */
  readonly endpoint: string;
  readonly databaseName: string;
  readonly port = 5432;
  readonly administratorLogin: string;
  readonly password: GeneratedSecret;
  /** MLflow's own login (not the server admin): created by the day-0 migration step. */
  readonly appUser = "mlflow_app";
  /** The Key Vault secret holding `appUser`'s password: MLflow's DB_PASSWORD and the migration read it. */
  readonly appPassword: GeneratedSecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const tier = props.tier ?? "small";
    const storageGiB = props.storageGiB ?? 32;
    const ha = props.highAvailability ?? false;
    const geo = props.geoRedundantBackup ?? ha;
    const retention = props.backupRetentionDays ?? 7;
    const deletionProtection = props.deletionProtection ?? true;
    this.administratorLogin = props.administratorLogin ?? "mlflowadmin";
    this.databaseName = props.databaseName ?? "mlflow";
    this.password = props.password;
    this.appPassword = props.appPassword;
    if (this.appUser === this.administratorLogin) throw new ValidationError(`administratorLogin must not be MLflow's own role ${JSON.stringify(this.appUser)}`, this);
    if (!(DATABASE_TIERS as readonly string[]).includes(tier)) throw new ValidationError(notOneOf("tier", tier, DATABASE_TIERS), this);
    if (ha && POSTGRES_SKU[tier].startsWith("B_")) {
      throw new ValidationError(`highAvailability needs a General Purpose tier; tier "${tier}" is Burstable (use "medium" or "large", or turn highAvailability off)`, this);
    }
    const backupProblem = backupRetentionProblem(retention, "azure");
    if (backupProblem) throw new ValidationError(backupProblem, this);
    const storageMb = STORAGE_MB.find((mb) => mb >= storageGiB * 1024);
    if (storageMb === undefined) throw new ValidationError(`storageGiB must be at most 32767; got ${storageGiB}`, this);

    const name = globalName(props.naming, 63, props.uniqueSeed, "pg");
    const dnsZone = `${name}.private.postgres.database.azure.com`;
    this.server = new PostgresqlFlexibleServer(this, "server", {
      name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      version: "16",
      skuName: POSTGRES_SKU[tier],
      storageMb,
      autoGrowEnabled: true,
      backupRetentionDays: retention,
      geoRedundantBackupEnabled: geo,
      delegatedSubnetId: props.network.databaseSubnet.id,
      privateDnsZoneId: props.network.privateDnsZoneId(dnsZone),
      publicNetworkAccessEnabled: false,
      administratorLogin: this.administratorLogin,
      administratorPasswordWo: props.password.ephemeralValue,
      administratorPasswordWoVersion: props.password.version,
      authentication: { activeDirectoryAuthEnabled: true, passwordAuthEnabled: true, tenantId: props.tenantId },
      zone: "1",
      highAvailability: ha ? { mode: "ZoneRedundant", standbyAvailabilityZone: "2" } : undefined,
      maintenanceWindow: { dayOfWeek: 0, startHour: 2, startMinute: 0 },
      dependsOn: [props.network.privateDnsZoneLink(dnsZone)],
      // A failover swaps the zones; Terraform must not try to swap them back.
      lifecycle: { ignoreChanges: ["zone", "high_availability[0].standby_availability_zone"] },
    });
    this.host = this.server.fqdn;
    this.endpoint = this.host;

    new PostgresqlFlexibleServerDatabase(this, "db", {
      name: this.databaseName,
      serverId: this.server.id,
      charset: "UTF8",
      collation: "en_US.utf8",
    });
    const settings: Record<string, string> = { require_secure_transport: "on", log_connections: "on", log_disconnections: "on", log_checkpoints: "on" };
    // One at a time: the server rejects concurrent configuration updates (ServerIsBusy).
    let previous: PostgresqlFlexibleServerConfiguration | undefined;
    for (const [key, value] of Object.entries(settings)) {
      previous = new PostgresqlFlexibleServerConfiguration(this, `config-${key}`, {
        name: key,
        serverId: this.server.id,
        value,
        dependsOn: previous ? [previous] : undefined,
      });
    }
    addDiagnostics(this, "diagnostics", this.server.id, props.logWorkspaceId, ["allLogs"]);
    if (deletionProtection) {
      new ManagementLock(this, "lock", {
        name: "do-not-delete-database",
        scope: this.server.id,
        lockLevel: "CanNotDelete",
        notes: "MLflow backend store. Set database.deletionProtection to false to remove this lock first.",
      });
    }
  }
}
