/**
 * Environment intent, resolved once: what an environment is for (throwaway or persistent, how
 * resilient, how users sign in) becomes the concrete decisions each cloud's modules read. No module
 * reads one setting to mean another; they read these decisions.
 */
import type { CloudName } from "./cloud-name";

/** `throwaway`: torn down and rebuilt at will (dev). `persistent`: holds data and users that must survive. */
export type Lifecycle = "throwaway" | "persistent";
/** `minimal`: interruptions accepted. `zonal`: survives the loss of one zone. */
export type Resilience = "minimal" | "zonal";
/** How platform users sign in at the identity provider. */
export type SignIn = "password" | "mfa";

/** The explicit settings an environment file writes. */
export interface EnvironmentIntent {
  readonly lifecycle: Lifecycle;
  readonly resilience: Resilience;
  readonly signIn: SignIn;
}

/** What the modules read. */
export interface PlatformDecisions {
  /** Refuse `terraform destroy` of edges, identity pools, runtimes and secrets (databases have their own setting). */
  readonly deletionProtection: boolean;
  /** Buckets and registries may be destroyed with their content. */
  readonly forceDestroy: boolean;
  /** Take a final database snapshot on destroy. */
  readonly finalSnapshot: boolean;
  /** Days a deleted secret can be recovered (AWS Secrets Manager: 0 deletes at once, else 7-30). */
  readonly secretRecoveryDays: number;
  /** Days a deleted key vault and its secrets stay soft-deleted (Azure: 7-90). */
  readonly softDeleteRetentionDays: number;
  /** Run workloads on interruptible capacity (Fargate Spot). */
  readonly spotCapacity: boolean;
  /** Sign-in requires a second factor. */
  readonly requireMfa: boolean;
  /** Spread what can be spread over zones (databases: standby in another zone). */
  readonly multiZone: boolean;
}

/** Resolves an environment's intent into the decisions every cloud reads. */
export function resolveIntent(intent: EnvironmentIntent): PlatformDecisions {
  const throwaway = intent.lifecycle === "throwaway";
  return {
    deletionProtection: !throwaway,
    forceDestroy: throwaway,
    finalSnapshot: !throwaway,
    secretRecoveryDays: throwaway ? 0 : 30,
    softDeleteRetentionDays: throwaway ? 7 : 90,
    // Interruptible capacity only where nothing must survive and no zone resilience is promised.
    spotCapacity: throwaway && intent.resilience === "minimal",
    requireMfa: intent.signIn === "mfa",
    multiZone: intent.resilience === "zonal",
  };
}

/**
 * The fewest days of automated database backups each cloud can keep. Backups are never off: RDS reads
 * 0 as "no automated backups", Azure and Google cannot turn them off, so 0 cannot mean one thing on
 * three clouds and the environment schema refuses it.
 * - AWS RDS `backup_retention_period`: 0-35, 0 disables backups (floor 1 keeps them on).
 * - Azure `backup_retention_days`: `validation.IntBetween(7, 35)` (azurerm v4.55.0
 *   internal/services/postgres/postgresql_flexible_server_resource.go).
 * - Google `backup_retention_settings.retained_backups` (COUNT of daily backups): no provider check, the
 *   Cloud SQL API takes 1-365; `transaction_log_retention_days` 1-7 on Enterprise (google v6.50.0
 *   google/services/sql/resource_sql_database_instance.go).
 */
export const BACKUP_RETENTION_FLOOR_DAYS: Readonly<Record<CloudName, number>> = { aws: 1, azure: 7, gcp: 1 };
/** The most days every cloud can keep (RDS and Azure: 35). */
export const BACKUP_RETENTION_MAX_DAYS = 35;

/**
 * Why `days` cannot be one cloud's backup retention, or undefined when it can: each cloud's `Database`
 * refuses with this (one message on three clouds) instead of silently rounding.
 */
export function backupRetentionProblem(days: number, cloud: CloudName): string | undefined {
  const floor = BACKUP_RETENTION_FLOOR_DAYS[cloud];
  if (Number.isInteger(days) && days >= floor && days <= BACKUP_RETENTION_MAX_DAYS) return undefined;
  return `backupRetentionDays must be an integer from ${floor} to ${BACKUP_RETENTION_MAX_DAYS} on ${cloud} (backups are never off; resolveDatabase raises an environment's days to the floor); got ${days}`;
}

/** What each cloud's `Database` reads; the same meaning on the three clouds. */
export interface DatabaseDecisions {
  /** Refuse deletion (RDS deletion protection, Cloud SQL deletion protection, an Azure CanNotDelete lock). */
  readonly deletionProtection: boolean;
  /** Keep a copy when the database is destroyed (RDS final snapshot, Cloud SQL backups retained on delete). */
  readonly finalSnapshot: boolean;
  /** Days (Google: daily backups) of automated backups kept: at least the cloud's floor, never off. */
  readonly backupRetentionDays: number;
  /** The environment asked for fewer days than this cloud keeps: the floor was used. */
  readonly raisedToFloor: boolean;
  /** A standby in another zone. */
  readonly multiZone: boolean;
}

/**
 * Resolves the database decisions for one cloud: the environment's backup days raised to the cloud's
 * floor (Azure keeps 7 even where dev asks for 1), protection and final copy from the lifecycle.
 */
export function resolveDatabase(intent: EnvironmentIntent, backupRetentionDays: number, cloud: CloudName): DatabaseDecisions {
  // The schema refuses these at load; a caller building intent by hand gets the same refusal.
  if (!Number.isInteger(backupRetentionDays) || backupRetentionDays < 1 || backupRetentionDays > BACKUP_RETENTION_MAX_DAYS) {
    throw new RangeError(`database.backupRetentionDays must be an integer from 1 to ${BACKUP_RETENTION_MAX_DAYS} (backups are never off); got ${backupRetentionDays}`);
  }
  const decisions = resolveIntent(intent);
  const floor = BACKUP_RETENTION_FLOOR_DAYS[cloud];
  return {
    deletionProtection: decisions.deletionProtection,
    finalSnapshot: decisions.finalSnapshot,
    backupRetentionDays: Math.max(backupRetentionDays, floor),
    raisedToFloor: backupRetentionDays < floor,
    multiZone: decisions.multiZone,
  };
}
