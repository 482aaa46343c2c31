/**
 * Day 0's database migration as a manually triggered Container Apps job in the platform's environment
 * (bound to the VNet's apps subnet), so nobody needs a machine in the VNet to reach the flexible server's
 * delegated subnet: `npm run day0` starts one execution with the SQL added to the container's
 * environment (`az rest` on the job's start action, scripts/day0-steps.ts) and polls it to the end.
 *
 * It runs the official PostgreSQL image's psql (modules/core/database-migration.ts) as the server admin:
 * PGPASSWORD is a Key Vault reference to the admin password Terraform generated, resolved with the job's
 * own user-assigned identity, which holds `Key Vault Secrets User` on that one secret and nothing else
 * (no registry pull: the image is public). The job waits for that grant to propagate.
 *
 * Who may start it: the start action (Microsoft.App/jobs/start/action) comes with Contributor or Owner on
 * the resource group, which only the builder and the operator's own login hold.
 * Deliberately not created: schedule or event triggers, retries (a failed migration needs a person).
 */
import { Construct, IConstruct } from "constructs";
import { TerraformResource } from "cdktf";
import { ContainerAppJob } from "@cdktf/provider-azurerm/lib/container-app-job";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import type { PlatformDatabaseMigrationJob } from "../core/contracts";
import { MIGRATION_CLIENT_IMAGE, MIGRATION_CONTAINER, migrationCommand } from "../core/database-migration";
import { Naming } from "../core/naming";
import type { ContainerAppEnvironment } from "./container-app-environment";
import type { Database } from "./database";
import { RbacPropagation } from "./private/rbac-propagation";
import type { Secrets } from "./secrets";

export interface DatabaseMigrationJobProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly environment: ContainerAppEnvironment;
  readonly database: Database;
  readonly secrets: Secrets;
  /** @default MIGRATION_CLIENT_IMAGE */
  readonly image?: string;
  /** Seconds one execution may run. @default 600 */
  readonly timeoutSeconds?: number;
  /**
   * Constructs whose resources the job must find in place (the network, Key Vault's private endpoint and DNS):
   * day 0's database apply targets the job, and Terraform creates only what it depends on. @default - none
   */
  readonly after?: readonly IConstruct[];
}

/** The Container Apps job name of the migration (Container Apps: at most 32 characters). */
export function migrationJobName(naming: Naming): string {
  return naming.bounded(32, "db-migrate");
}

/** The migration job, its identity and its one grant. */
export class DatabaseMigrationJob extends Construct implements PlatformDatabaseMigrationJob {
  readonly jobName: string;
  readonly containerName = MIGRATION_CONTAINER;
  readonly logLocation: string;
  readonly job: ContainerAppJob;
  readonly identity: UserAssignedIdentity;

  constructor(scope: Construct, id: string, props: DatabaseMigrationJobProps) {
    super(scope, id);
    const n = props.naming;
    const db = props.database;
    this.jobName = migrationJobName(n);
    this.logLocation = `Log Analytics table ContainerAppConsoleLogs (ContainerJobName_s == "${this.jobName}")`;
    this.identity = new UserAssignedIdentity(this, "identity", {
      name: n.bounded(128, "db-migrate"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    const grant = props.secrets.allowRead("db-migrate-reads-admin-password", this.identity.principalId, db.password.secret);
    // The Key Vault reference is resolved when the job is created: wait until the grant applies.
    const propagation = new RbacPropagation(this, "rbac-propagation").add(grant);
    const adminPassword = "admin-password";
    this.job = new ContainerAppJob(this, "job", {
      name: this.jobName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      containerAppEnvironmentId: props.environment.environmentId,
      workloadProfileName: props.environment.workloadProfileName,
      replicaTimeoutInSeconds: props.timeoutSeconds ?? 600,
      replicaRetryLimit: 0,
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
      identity: { type: "UserAssigned", identityIds: [this.identity.id] },
      secret: [{ name: adminPassword, keyVaultSecretId: db.password.reference, identity: this.identity.id }],
      template: {
        container: [
          {
            name: this.containerName,
            image: props.image ?? MIGRATION_CLIENT_IMAGE,
            command: migrationCommand(),
            cpu: 0.25,
            memory: "0.5Gi",
            env: [
              { name: "PGHOST", value: db.host },
              { name: "PGPORT", value: String(db.port) },
              { name: "PGUSER", value: db.administratorLogin },
              { name: "PGDATABASE", value: "postgres" },
              { name: "PGSSLMODE", value: "require" },
              { name: "PGCONNECT_TIMEOUT", value: "10" },
              { name: "PGPASSWORD", secretName: adminPassword },
            ],
          },
        ],
      },
      dependsOn: [grant, propagation.sleep, db.server, ...(props.after ?? []).flatMap(resourcesUnder)],
    });
  }
}

function resourcesUnder(scope: IConstruct): TerraformResource[] {
  return scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
}
