/**
 * Self-hosted Airflow 3 on Azure Container Apps (Azure has no managed Airflow): the official
 * apache/airflow image pinned by version and digest, one container app per component
 * (`AIRFLOW3_COMPONENTS`: API server with internal ingress, scheduler with LocalExecutor, DAG
 * processor, triggerer), a user-assigned identity for all of them, its metadata database as its
 * own database on the environment's PostgreSQL flexible server, and its secrets generated into
 * Key Vault and referenced by the apps (`key_vault_secret_id` + identity), never as values.
 *
 * DAGs: a blob container `airflow-dags` in the environment's storage account is the DAG store (the
 * deploy step mirrors `deployments/<env>/dags/` into `dags/` with deletions). The scheduler and the
 * DAG processor each run a sync sidecar that mirrors it into an EmptyDir shared with Airflow. Not an
 * Azure Files share: Container Apps mounts shares only with the storage account key
 * (`azurerm_container_app_environment_storage.access_key`), and the platform's accounts have shared
 * keys off (MLOPS-AZURE-STORAGE-SHARED-KEY); the sidecar signs in with the identity instead.
 *
 * The identity may: start, stop and read the transform and train jobs (a custom role with exactly
 * those actions, assigned on the two jobs), read the DAG container, read and write the data
 * containers, read the five Airflow secrets.
 *
 * The database login is declared here (modules/core/database-login.ts) and created by the day-0
 * migration step (`scripts/database-migrate.ts`, password from `airflow-db-password`): azurerm has no
 * PostgreSQL role resource and the server is private. The role owns schema `airflow` in database
 * `airflow` as its search_path. Until then the scheduler's init container (`airflow db migrate`)
 * fails and restarts (the restart alert fires). The first UI user
 * is created the same way: `airflow users create --role Admin ...` in the API server's console.
 *
 * Attributes checked against azurerm v4.55.0: internal/services/containerapps/helpers/container_apps.go
 * (`volume.storage_type` EmptyDir default, `secret.identity` + `key_vault_secret_id` with or without
 * version, `init_container`), internal/services/postgres/postgresql_flexible_server_database_resource.go
 * (name, server_id, charset, collation).
 */
import { Construct } from "constructs";
import { Annotations, ITerraformDependable } from "cdktf";
import { ContainerApp, ContainerAppTemplateContainer } from "@cdktf/provider-azurerm/lib/container-app";
import { PostgresqlFlexibleServerDatabase } from "@cdktf/provider-azurerm/lib/postgresql-flexible-server-database";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { RbacPropagation } from "./private/rbac-propagation";
import {
  AIRFLOW3_COMPONENTS,
  AIRFLOW_DATABASE,
  AIRFLOW_DATABASE_ROLE,
  AIRFLOW_IMAGE,
  AIRFLOW_PASSWORD_LOGIN_SECRET_ENV,
  AIRFLOW_PASSWORD_LOGIN_SECRETS,
  AirflowCommonProps,
  AirflowComponent,
  AirflowImage,
  AirflowSize,
  airflowVariables,
  DagStore,
  imageDigestProblem,
  imageReference,
  NO_TRAIN_JOB_WARNING,
  PlatformAirflow,
  resolveAirflowCommon,
  variablesAsEnvironment,
} from "../core/airflow";
import { ConsoleLink } from "../core/contracts";
import { declareDatabaseLogin } from "../core/database-login";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { AirflowAlerts } from "./private/airflow-alerts";
import { AirflowSecrets } from "./private/airflow-secrets";
import { DAG_SYNC_SCRIPT } from "./private/dag-sync";

/** Container size multiplier per shared size (Consumption profile: up to 4 vCPU / 8 GiB per app). */
const SCALE: Readonly<Record<AirflowSize, number>> = { small: 1, medium: 1.5, large: 2 };
const DAG_FOLDER = "/opt/airflow/dags";
const DAG_CONTAINER = "airflow-dags";

/** A Container Apps job Airflow starts. */
export interface ContainerAppsJobRef {
  readonly id: string;
  readonly name: string;
}

export interface SelfHostedAirflowProps extends AirflowCommonProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  /** `/subscriptions/<s>/resourceGroups/<rg>`: where the custom job-operator role is defined. */
  readonly resourceGroupId: string;
  readonly location: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly containerAppEnvironmentId: string;
  /** @default "Consumption" */
  readonly workloadProfileName?: string;
  /** The environment's PostgreSQL flexible server id and FQDN. */
  readonly databaseServerId: string;
  readonly databaseHost: string;
  readonly keyVaultId: string;
  /** What must exist before Airflow's secrets are written (the deployer's Key Vault role). @default [] */
  readonly secretsDependOn?: readonly ITerraformDependable[];
  /** Bump to rotate every generated secret. @default 1 */
  readonly secretVersion?: number;
  /** The environment's storage account: holds the DAG container and the data containers. */
  readonly storageAccountId: string;
  readonly storageAccountName: string;
  /** The data containers the DAGs read and write (Variables `mlops_processed_bucket`, `mlops_viz_bucket`; Blob Data Contributor). */
  readonly dataContainers: { readonly processed: string; readonly viz: string };
  /** Container Apps job ids and names the DAGs start; train once the catalog has one. */
  readonly jobs: { readonly transform: ContainerAppsJobRef; readonly train?: ContainerAppsJobRef };
  readonly actionGroupId: string;
  /** Log Analytics workspace receiving the environment's console logs (failed-task log alert). */
  readonly logWorkspaceId: string;
  /** @default AIRFLOW_IMAGE */
  readonly image?: AirflowImage;
}

/** Airflow 3 as four container apps, its identity, database, secrets, DAG store and alerts. */
export class SelfHostedAirflow extends Construct implements PlatformAirflow {
  readonly mode = "self-hosted" as const;
  readonly identityResource: UserAssignedIdentity;
  readonly apps: Readonly<Record<AirflowComponent["name"], ContainerApp>>;
  readonly database: PostgresqlFlexibleServerDatabase;
  readonly dagStore: DagStore;
  readonly uiUrl: string;
  readonly links: readonly ConsoleLink[];
  readonly identity: string;
  readonly variables: Readonly<Record<string, string>>;
  /** The DAG store (blob container `airflow-dags`). */
  readonly dagContainer: StorageContainer;

  constructor(scope: Construct, id: string, props: SelfHostedAirflowProps) {
    super(scope, id);
    const image = props.image ?? AIRFLOW_IMAGE;
    const { resolved, problems } = resolveAirflowCommon(props, [imageDigestProblem(image)]);
    const { size, maxWorkers } = resolved;
    if (problems.length > 0) throw new ValidationError(problems.join("; "), this);
    const n = props.naming;

    const identity = new UserAssignedIdentity(this, "identity", { name: n.name("airflow"), resourceGroupName: props.resourceGroupName, location: props.location });
    this.identityResource = identity;
    this.identity = identity.principalId;
    const principal = { principalId: identity.principalId, principalType: "ServicePrincipal" };
    // Every grant the identity holds: the apps start after all of them and after their RBAC propagation.
    const grants: RoleAssignment[] = [];

    // Start, stop and watch exactly the two jobs. The built-in Container Apps Jobs Operator role holds
    // Microsoft.App/jobs/*/action, which includes listSecrets (the jobs' secrets in plain text).
    const operator = new RoleDefinition(this, "jobs-operator", {
      name: n.name("airflow-jobs-operator"),
      scope: props.resourceGroupId,
      description: "Start, stop and read the platform's transform and train jobs (Airflow)",
      permissions: [{ actions: ["Microsoft.App/jobs/read", "Microsoft.App/jobs/start/action", "Microsoft.App/jobs/stop/action", "Microsoft.App/jobs/stop/execution/action", "Microsoft.App/jobs/executions/read", "Microsoft.App/jobs/execution/read"] }],
      // Custom roles are assignable at resource group level at the finest (Azure refuses resource
      // scopes here); the assignments below are on the two jobs only.
      assignableScopes: [props.resourceGroupId],
    });
    for (const [key, job] of Object.entries(props.jobs) as [string, ContainerAppsJobRef | undefined][]) {
      if (!job) continue;
      grants.push(new RoleAssignment(this, `job-${key}`, { scope: job.id, roleDefinitionId: operator.roleDefinitionResourceId, ...principal }));
    }

    const dags = new StorageContainer(this, "dags", { name: DAG_CONTAINER, storageAccountId: props.storageAccountId, containerAccessType: "private" });
    this.dagContainer = dags;
    grants.push(new RoleAssignment(this, "dags-reader", { scope: dags.id, roleDefinitionName: "Storage Blob Data Reader", ...principal }));
    for (const [purpose, container] of Object.entries(props.dataContainers)) {
      grants.push(new RoleAssignment(this, `data-${purpose}`, {
        scope: `${props.storageAccountId}/blobServices/default/containers/${container}`,
        roleDefinitionName: "Storage Blob Data Contributor",
        ...principal,
      }));
    }

    this.database = new PostgresqlFlexibleServerDatabase(this, "database", { name: AIRFLOW_DATABASE, serverId: props.databaseServerId, charset: "UTF8", collation: "en_US.utf8" });
    const secrets = new AirflowSecrets(this, "secrets", {
      keyVaultId: props.keyVaultId,
      databaseHost: props.databaseHost,
      databaseName: this.database.name,
      databaseLogin: AIRFLOW_DATABASE_ROLE,
      version: props.secretVersion ?? 1,
      dependsOn: props.secretsDependOn ?? [],
    });
    // The day-0 migration creates this login (own schema, search_path airflow) with the generated password.
    declareDatabaseLogin(this, "airflow", { owner: "Airflow", server: props.databaseServerId, database: this.database.name, role: "airflow", schema: "airflow", login: "password", passwordSecret: secrets.secrets["airflow-db-password"].name });
    for (const name of AIRFLOW_PASSWORD_LOGIN_SECRETS) {
      grants.push(new RoleAssignment(this, `secret-${name}`, { scope: secrets.secrets[name].resourceVersionlessId, roleDefinitionName: "Key Vault Secrets User", ...principal }));
    }

    const variables = airflowVariables<"azure">(
      {
        mlops_cloud: "azure",
        mlops_transform_job: props.jobs.transform.name,
        mlops_train_job: props.jobs.train?.name,
        mlops_processed_bucket: props.dataContainers.processed,
        mlops_viz_bucket: props.dataContainers.viz,
        mlops_azure_subscription_id: props.subscriptionId,
        mlops_azure_resource_group: props.resourceGroupName,
        mlops_azure_storage_account: props.storageAccountName,
        mlops_azure_client_id: identity.clientId,
      },
      resolved.extraVariables,
    );
    this.variables = variables;
    if (!props.jobs.train) Annotations.of(this).addWarning(NO_TRAIN_JOB_WARNING);

    // Revisions resolve Key Vault references and the DAG sync reads blobs as soon as they start: wait until the grants apply.
    const propagation = new RbacPropagation(this, "rbac-propagation").add(...grants);
    const ready: ITerraformDependable[] = [...grants, propagation.sleep];

    const ref = imageReference(image);
    const secretRefs = Object.entries(AIRFLOW_PASSWORD_LOGIN_SECRET_ENV).map(([, name]) => ({ name, identity: identity.id, keyVaultSecretId: secrets.secrets[name].versionlessId }));
    const baseEnv = (extra: Record<string, string>) => [
      ...Object.entries({
        AIRFLOW__CORE__EXECUTOR: "LocalExecutor",
        // LocalExecutor slots: tasks only start and watch jobs, so a few per "worker" of the shared config.
        AIRFLOW__CORE__PARALLELISM: String(maxWorkers * 8),
        AIRFLOW__CORE__LOAD_EXAMPLES: "False",
        AIRFLOW__CORE__DAGS_FOLDER: DAG_FOLDER,
        AIRFLOW__CORE__AUTH_MANAGER: "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
        AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: "True",
        AIRFLOW__SCHEDULER__CATCHUP_BY_DEFAULT: "False",
        AZURE_CLIENT_ID: identity.clientId,
        ...variablesAsEnvironment(variables),
        ...extra,
      }).map(([name, value]) => ({ name, value })),
      ...Object.entries(AIRFLOW_PASSWORD_LOGIN_SECRET_ENV).map(([name, secretName]) => ({ name, secretName })),
    ];
    const workloadProfileName = props.workloadProfileName ?? "Consumption";
    const app = (c: AirflowComponent, extraEnv: Record<string, string>): ContainerApp => {
      const cpu = Math.min(4, c.cpuMillicores / 1000 * SCALE[size]);
      const main: ContainerAppTemplateContainer = {
        name: c.name,
        image: ref,
        args: [...c.args],
        cpu,
        memory: `${cpu * 2}Gi`,
        env: baseEnv(extraEnv),
        ...(c.readsDags ? { volumeMounts: [{ name: "dags", path: DAG_FOLDER }] } : {}),
        ...(c.healthPath ? probes(c) : {}),
      };
      const sidecar: ContainerAppTemplateContainer = {
        name: "dag-sync",
        image: ref,
        command: ["python", "-c", DAG_SYNC_SCRIPT],
        cpu: 0.25,
        memory: "0.5Gi",
        env: Object.entries({
          AZURE_CLIENT_ID: identity.clientId,
          DAG_ACCOUNT_URL: `https://${props.storageAccountName}.blob.core.windows.net`,
          DAG_CONTAINER: DAG_CONTAINER,
          DAG_PREFIX: "dags/",
          DAG_FOLDER,
        }).map(([name, value]) => ({ name, value })),
        volumeMounts: [{ name: "dags", path: DAG_FOLDER }],
      };
      return new ContainerApp(this, c.name, {
        name: n.bounded(32, "airflow", c.name),
        resourceGroupName: props.resourceGroupName,
        containerAppEnvironmentId: props.containerAppEnvironmentId,
        workloadProfileName,
        revisionMode: "Single",
        identity: { type: "UserAssigned", identityIds: [identity.id] },
        secret: secretRefs,
        ...(c.port ? { ingress: { externalEnabled: false, targetPort: c.port, transport: "auto", allowInsecureConnections: false, trafficWeight: [{ latestRevision: true, percentage: 100 }] } } : {}),
        template: {
          minReplicas: 1,
          maxReplicas: 1,
          container: c.readsDags ? [main, sidecar] : [main],
          ...(c.readsDags ? { volume: [{ name: "dags", storageType: "EmptyDir" }] } : {}),
          // The schema migration runs before the scheduler starts, on every new revision (idempotent).
          ...(c.name === "scheduler" ? { initContainer: [{ name: "db-migrate", image: ref, args: ["db", "migrate"], cpu: 0.5, memory: "1Gi", env: baseEnv(extraEnv) }] } : {}),
        },
        // Key Vault references and blob reads are checked when a revision starts: grant first.
        dependsOn: ready,
      });
    };
    const [apiSpec, ...others] = AIRFLOW3_COMPONENTS;
    const api = app(apiSpec, {});
    // Tasks report to the API server's execution API (Airflow 3).
    const executionApi = { AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `https://${api.ingress.fqdn}/execution/` };
    this.apps = Object.fromEntries([[apiSpec.name, api], ...others.map((c) => [c.name, app(c, executionApi)])]) as Record<AirflowComponent["name"], ContainerApp>;

    this.dagStore = { kind: "azure-blob", accountName: props.storageAccountName, container: DAG_CONTAINER, prefix: "dags/" };
    this.uiUrl = `https://${api.ingress.fqdn}`;
    this.links = [
      { label: "Airflow UI (inside the VNet)", url: this.uiUrl },
      { label: "Airflow API server app", url: `https://portal.azure.com/#@${props.tenantId}/resource${api.id}` },
    ];
    new AirflowAlerts(this, "alerts", {
      naming: n,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      apps: this.apps,
      actionGroupId: props.actionGroupId,
      logWorkspaceId: props.logWorkspaceId,
    });
  }

  /** Lets the identity that mirrors DAGs (the deploy workflow's) write the DAG container, nothing else. */
  allowDagWriter(id: string, principalId: string): RoleAssignment {
    return new RoleAssignment(this, id, { scope: this.dagContainer.id, roleDefinitionName: "Storage Blob Data Contributor", principalId, principalType: "ServicePrincipal" });
  }
}

/** Liveness and startup probes on a component's health endpoint. */
function probes(c: AirflowComponent): Pick<ContainerAppTemplateContainer, "livenessProbe" | "startupProbe"> {
  const probe = { transport: "HTTP", port: c.healthPort ?? c.port ?? 8080, path: c.healthPath };
  return {
    livenessProbe: [{ ...probe, initialDelay: 30, intervalSeconds: 30, failureCountThreshold: 5 }],
    startupProbe: [{ ...probe, intervalSeconds: 10, failureCountThreshold: 30 }],
  };
}
