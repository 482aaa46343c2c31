/**
 * The MLOps platform on Azure for one environment. Reads top to bottom in the order every cloud's
 * stack follows (ARCHITECTURE.md): backend, provider, network, identity, registry, storage,
 * secrets, database, runtime, ingress, trigger, monitoring, outputs. The provider step also makes
 * what every later step writes into: the resource group and the Log Analytics workspace (every
 * diagnostic setting and the Container Apps environment write into it); alerts stay in the
 * monitoring step. The CI identities' registry and data grants follow the resources they name.
 *
 * Dev is cheap, prod resilient, from the environment config: `network.zoneRedundant` selects the
 * Premium registry with a private endpoint, GZRS storage and a zone-redundant Container Apps
 * environment; `database.*` sizes PostgreSQL; the resolved intent (modules/core/intent.ts) turns on
 * zone-redundant HA and geo backups (`resilience`), the delete locks and Key Vault retention
 * (`lifecycle`); `storage.*` sets soft delete, version expiry and access logs.
 */
import { Construct } from "constructs";
import { Annotations, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { ConsoleLink, PlatformCiIdentity, PlatformDatabase, PlatformDataTrigger, PlatformMonitoring, PlatformNetwork, PlatformObjectStorage, PlatformRegistry, PlatformSecrets } from "../modules/core/contracts";
import { ContainerFacts } from "../modules/core/container-contract";
import { resolveDatabase, resolveIntent } from "../modules/core/intent";
import { Naming } from "../modules/core/naming";
import { platformOutputs } from "../modules/core/outputs";
import { airflowExtraOutputs } from "../modules/core/airflow";
import { SelfHostedAirflow } from "../modules/azure/self-hosted-airflow";
import { platformTags } from "../modules/core/tags";
import { CiIdentity } from "../modules/azure/ci-identity";
import { ContainerAppEnvironment } from "../modules/azure/container-app-environment";
import { ContainerAppJob } from "../modules/azure/container-app-job";
import { ContainerAppService } from "../modules/azure/container-app-service";
import { DataTrigger } from "../modules/azure/data-trigger";
import { Database } from "../modules/azure/database";
import { DatabaseMigrationJob } from "../modules/azure/database-migration-job";
import { MIGRATION_OUTPUTS } from "../modules/core/database-migration";
import { LogWorkspace } from "../modules/azure/log-workspace";
import { Monitoring } from "../modules/azure/monitoring";
import { Network } from "../modules/azure/network";
import { ObjectStorage } from "../modules/azure/object-storage";
import { Registry } from "../modules/azure/registry";
import { Secrets } from "../modules/azure/secrets";
import { applyTags } from "../modules/azure/tags";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";
import type { AzureCloudConfig } from "../environments/schema";

/** One `<env>-azure` stack. */
export class AzurePlatformStack extends TerraformStack {
  readonly resourceGroup: ResourceGroup;
  readonly logs: LogWorkspace;
  readonly network: PlatformNetwork;
  readonly ci: PlatformCiIdentity;
  readonly registry: PlatformRegistry;
  readonly storage: PlatformObjectStorage;
  readonly secrets: PlatformSecrets;
  readonly database?: PlatformDatabase;
  readonly environment: ContainerAppEnvironment;
  readonly workloads: (ContainerAppService | ContainerAppJob)[] = [];
  readonly triggers: PlatformDataTrigger[] = [];
  readonly monitoring: PlatformMonitoring;
  readonly links: readonly ConsoleLink[];
  /** Airflow 3 on Container Apps when the environment turns it on and has a transform job and a database server. */
  readonly airflow?: SelfHostedAirflow;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const azure = env.clouds.azure;
    if (!azure) throw new Error(`${id}: environment ${env.name} has no azure section`);
    const naming = new Naming(env.namePrefix, env.name);
    const location = azure.location;
    const seed = azure.subscriptionId;
    const resilient = azure.network.zoneRedundant;
    const decide = resolveIntent(env);

    // backend
    configureBackend(this, azure.backend, id);

    // provider, and what every later step writes into: the resource group and the log workspace
    const provider = new AzurermProvider(this, "azurerm", {
      subscriptionId: azure.subscriptionId,
      tenantId: azure.tenantId,
      // Shared keys are off on the data account: the provider talks to Blob and queues with Entra ID.
      storageUseAzuread: true,
      // Container Apps' namespace is in none of azurerm 4.55's default registration sets
      // (internal/resourceproviders/required.go, Legacy/Core/Extended; the default set is "legacy",
      // internal/provider/provider.go `resource_provider_registrations`): without it a fresh subscription
      // fails the environment with MissingSubscriptionRegistration. The provider registers these when it
      // is configured, before any resource (provider.go buildClient -> resourceproviders.EnsureRegistered).
      resourceProvidersToRegister: ["Microsoft.App"],
      features: [
        {
          keyVault: [{ purgeSoftDeleteOnDestroy: false, recoverSoftDeletedKeyVaults: true, recoverSoftDeletedSecrets: true }],
          resourceGroup: [{ preventDeletionIfContainsResources: true }],
          // Containers and queues are managed through Resource Manager: the deployer never needs a
          // path through the storage firewall (default Deny) to the data plane.
          storage: [{ dataPlaneAvailable: false }],
        },
      ],
    });
    // azurerm has no default tags: an Aspect tags every resource, added before the policy aspect.
    applyTags(provider, platformTags(env, "azure"));
    this.resourceGroup = new ResourceGroup(this, "rg", { name: naming.name("rg"), location });
    const rg = this.resourceGroup.name;
    const common = { naming, resourceGroupName: rg, location };
    this.logs = new LogWorkspace(this, "logs", { ...common, retentionDays: env.logRetentionDays });
    const logWorkspaceId = this.logs.workspaceId;

    // network
    const network = new Network(this, "network", {
      ...common,
      cidr: azure.network.cidr,
    });
    this.network = network;

    // identity: CI's managed identities trusted through GitHub OIDC; their grants follow the resources they name
    const ci = new CiIdentity(this, "ci", {
      ...common,
      subscriptionId: azure.subscriptionId,
      repository: env.github.repository,
      githubEnvironment: env.github.environment ?? env.name,
      stateStorage: azure.backend.type === "azurerm" ? azure.backend : undefined,
    });
    this.ci = ci;

    // registry
    const registrySku = azure.registrySku ?? (resilient ? "Premium" : "Basic");
    const registry = new Registry(this, "registry", {
      ...common,
      uniqueSeed: seed,
      sku: registrySku,
      zoneRedundant: registrySku === "Premium" && resilient,
      network: registrySku === "Premium" ? network : undefined,
      allowedIpRanges: registrySku === "Premium" ? azure.allowedIpRanges : [],
      logWorkspaceId,
      repositories: services.map((s) => s.name),
      forceDestroy: decide.forceDestroy,
    });
    ci.allowPublish(registry.registry.id);
    this.registry = registry;

    // storage
    const storage = new ObjectStorage(this, "storage", {
      ...common,
      uniqueSeed: seed,
      // Prod survives a zone and a region (CKV_AZURE_206). ZRS -> GZRS converts in place: azurerm v4.55.0
      // storage_account_resource.go ForceNewIfChange("account_replication_type") replaces only LRS/GRS <-> ZRS/GZRS moves.
      replication: resilient ? "GZRS" : "LRS",
      encryption: env.storage.encryption,
      softDeleteDays: Math.min(Math.max(env.storage.noncurrentVersionExpirationDays, 1), 365),
      noncurrentVersionExpirationDays: env.storage.noncurrentVersionExpirationDays,
      network,
      allowedIpRanges: azure.allowedIpRanges,
      accessLogging: env.storage.accessLogging,
      logWorkspaceId,
      forceDestroy: decide.forceDestroy,
    });
    this.storage = storage;

    // secrets
    const secrets = new Secrets(this, "secrets", {
      ...common,
      tenantId: azure.tenantId,
      uniqueSeed: seed,
      softDeleteRetentionDays: decide.softDeleteRetentionDays,
      network,
      allowedIpRanges: azure.allowedIpRanges,
      logWorkspaceId,
      // Stable writers only (issue 15 item 4): the CI builder and the configured operators, never the caller.
      officers: [
        { key: "builder", principalId: ci.builder.principalId, principalType: "ServicePrincipal" },
        ...azure.operators.map((objectId) => ({ key: `operator-${objectId}`, principalId: objectId })),
      ],
    });
    this.secrets = secrets;

    // database (only when a workload needs it)
    const db = resolveDatabase(env, env.database.backupRetentionDays, "azure");
    const database = services.some((s) => s.usesDatabase)
      ? new Database(this, "database", {
          ...common,
          tenantId: azure.tenantId,
          uniqueSeed: seed,
          network,
          password: secrets.generate("mlflow-db-password"),
          // MLflow's own role (issue 16 item 5): the day-0 migration gives mlflow_app this password.
          appPassword: secrets.generate("mlflow-db-role-password"),
          tier: env.database.tier,
          storageGiB: env.database.storageGiB,
          highAvailability: db.multiZone,
          deletionProtection: db.deletionProtection,
          backupRetentionDays: db.backupRetentionDays,
          logWorkspaceId,
        })
      : undefined;
    this.database = database;

    // runtime: one Container Apps environment; services as apps (ingress external or internal per spec), jobs as jobs
    this.environment = new ContainerAppEnvironment(this, "apps-env", {
      ...common,
      network,
      logWorkspaceId,
      zoneRedundant: resilient,
    });
    // day 0's migration runs inside the VNet, as a one-off job the day-0 step starts
    const migration = database
      ? new DatabaseMigrationJob(this, "db-migrate", { ...common, environment: this.environment, database, secrets, after: [network, secrets] })
      : undefined;
    const appName = (service: string) => naming.bounded(32, service);
    const mlflow = services.find((s) => s.name === "mlflow" && s.kind === "service");
    const train = services.find((s) => s.name === "train" && s.kind === "job");
    const facts: ContainerFacts = {
      cloud: "azure",
      environment: env.name,
      bucketName: (p) => storage.bucketName(p),
      cloudEnv: { AZURE_STORAGE_ACCOUNT_URL: storage.account.primaryBlobEndpoint },
      database: database ? { host: database.host, port: database.port, name: database.databaseName, user: database.appUser, sslMode: "require", auth: "password" } : undefined,
      // Internal ingress answers at <app>.internal.<environment domain>, HTTPS on 443.
      mlflowTrackingUri: mlflow ? `https://${appName(mlflow.name)}.internal.${this.environment.environment.defaultDomain}` : undefined,
      mlflowAllowedHosts: mlflow ? [`${appName(mlflow.name)}.internal.${this.environment.environment.defaultDomain}`] : undefined,
      trainJob: train ? { id: `/subscriptions/${azure.subscriptionId}/resourceGroups/${naming.name("rg")}/providers/Microsoft.App/jobs/${appName(train.name)}` } : undefined,
    };
    const wiring = { ...common, registry, storage, secrets, database, appInsights: this.logs.appInsights, facts, environment: this.environment };
    // trigger: blob arrival queues a message the job scales on (the job reads it from EVENT_QUEUE_URL and deletes
    // it when done); the queue comes first because the job's environment names it. Jobs without a trigger are
    // started by hand, by the model API or by a pipeline.
    const triggerOf = new Map<string, DataTrigger>();
    for (const spec of services.filter((s) => s.kind === "job" && s.trigger)) {
      const trigger = new DataTrigger(this, `trigger-${spec.name}`, {
        ...common,
        uniqueSeed: seed,
        storage,
        secrets,
        jobName: spec.name,
        bucket: spec.trigger!.bucket,
        prefix: spec.trigger!.prefix,
        logWorkspaceId,
      });
      triggerOf.set(spec.name, trigger);
      this.triggers.push(trigger);
    }
    for (const spec of services) {
      const trigger = triggerOf.get(spec.name);
      const jobWiring = trigger ? { ...wiring, facts: { ...facts, eventQueueUrl: trigger.queueTrigger.queueUrl } } : wiring;
      this.workloads.push(
        spec.kind === "service"
          ? new ContainerAppService(this, `app-${spec.name}`, { ...wiring, spec, tenantId: azure.tenantId, ingressAllowedRanges: azure.ingressAllowedRanges })
          : new ContainerAppJob(this, `job-${spec.name}`, { ...jobWiring, spec }),
      );
    }
    const apps = this.workloads.filter((w): w is ContainerAppService => w instanceof ContainerAppService);
    const jobs = this.workloads.filter((w): w is ContainerAppJob => w instanceof ContainerAppJob);
    for (const job of jobs) {
      const trigger = triggerOf.get(job.name);
      if (!trigger) continue;
      job.triggerOn(trigger.queueTrigger);
      job.waitFor(trigger.allowConsume(job.workload.identity.principalId));
    }
    // The model API's retrain starts the train job (TRAIN_JOB); its app waits for the grant's RBAC propagation.
    const modelApi = apps.find((a) => a.name === "model-api");
    const trainJob = jobs.find((j) => j.name === "train");
    if (modelApi && trainJob) modelApi.workload.propagation.add(trainJob.allowStarting(modelApi.name, modelApi.workload.identity.principalId, this.resourceGroup.id));

    // ingress: none beyond each app's own (external or internal per spec, HTTPS only)

    // monitoring
    const portal = `https://portal.azure.com/#@${azure.tenantId}/resource`;
    this.monitoring = new Monitoring(this, "monitoring", {
      naming,
      resourceGroupName: rg,
      alertEmail: env.alertEmail,
      workloads: apps,
      portalResourceUrl: portal,
      // The shared pages (Application Insights as the dashboard, each workload's logs) are the outputs' consoleLinks.
      resources: [
        { label: "Resource group", id: this.resourceGroup.id },
        { label: "Log Analytics workspace", id: this.logs.workspace.id },
      ],
    });

    // airflow: the official image on Container Apps starts the transform (and, once the catalog has it, train) job
    this.airflow = env.airflow?.enabled
      ? containerAppsAirflow(this, { ...common, azure, resourceGroupId: this.resourceGroup.id, environment: this.environment, database, secrets, storage, jobs, actionGroupId: (this.monitoring as Monitoring).actionGroup.id, logWorkspaceId, config: env.airflow })
      : undefined;
    this.airflow?.allowDagWriter("ci-dag-writer", ci.builder.principalId);

    // outputs
    this.links = platformOutputs(this, {
      console: "Azure portal",
      network,
      registry,
      services: services.map((s) => s.name),
      storage,
      workloads: this.workloads,
      ci,
      database,
      monitoring: this.monitoring,
      consoleLinks: {
        // Azure has no dashboard resource here: Application Insights' overview is the platform's view of its requests and failures.
        dashboard: `${portal}${this.logs.appInsights.id}/overview`,
        // The resource group's Alerts blade: every metric alert of the platform targets a resource in it.
        alerting: `${portal}${this.resourceGroup.id}/alerts`,
        network: `${portal}${network.vnet.id}/overview`,
        runtime: `${portal}${this.environment.environment.id}/overview`,
        registry: `${portal}${registry.registry.id}/overview`,
        storage: `${portal}${storage.account.id}/overview`,
        database: database ? `${portal}${database.server.id}/overview` : undefined,
        // The resource's Logs blade: its Log Analytics tables (console and system logs), scoped to that app or job.
        logs: Object.fromEntries([...apps.map((a) => [a.name, `${portal}${a.app.id}/logs`]), ...jobs.map((j) => [j.name, `${portal}${j.job.id}/logs`])]),
      },
      extra: [
        ...airflowExtraOutputs(this.airflow),
        { key: "resource_group", value: rg, description: "Resource group of the platform" },
        ...(migration ? [{ key: MIGRATION_OUTPUTS.job, value: migration.job.name, description: "Day-0 database migration job (Container Apps, manual trigger)" }] : []),
        { key: "registry_login_server", value: registry.loginServer, description: "ACR login server (push images here)" },
        { key: "storage_account", value: storage.accountName, description: "Storage account holding the data containers" },
        { key: "key_vault_uri", value: secrets.vaultUri, description: "Key Vault of the platform's secrets" },
        { key: "ci_tenant_id", value: azure.tenantId, description: "Entra ID tenant of the CI identities (azure/login tenant-id)" },
        { key: "ci_subscription_id", value: azure.subscriptionId, description: "Subscription the CI identities work in (azure/login subscription-id)" },
      ],
    });
  }
}

/** Airflow 3 on the platform's Container Apps environment and PostgreSQL server; none without a transform job or a server. */
function containerAppsAirflow(
  scope: Construct,
  p: {
    naming: Naming;
    resourceGroupName: string;
    location: string;
    azure: AzureCloudConfig;
    resourceGroupId: string;
    environment: ContainerAppEnvironment;
    database?: Database;
    secrets: Secrets;
    storage: ObjectStorage;
    jobs: readonly ContainerAppJob[];
    actionGroupId: string;
    logWorkspaceId: string;
    config: NonNullable<PlatformStackProps["env"]["airflow"]>;
  },
): SelfHostedAirflow | undefined {
  const job = (name: string) => {
    const j = p.jobs.find((w) => w.name === name);
    return j ? { id: j.job.id, name: j.job.name } : undefined;
  };
  const transform = job("transform");
  if (!transform || !p.database) {
    Annotations.of(scope).addWarning(`airflow.enabled but ${!transform ? "the catalog has no transform job" : "no workload uses a database, so there is no PostgreSQL server for Airflow's metadata"}: no Airflow is built`);
    return undefined;
  }
  const train = job("train");
  return new SelfHostedAirflow(scope, "airflow", {
    naming: p.naming,
    resourceGroupName: p.resourceGroupName,
    resourceGroupId: p.resourceGroupId,
    location: p.location,
    subscriptionId: p.azure.subscriptionId,
    tenantId: p.azure.tenantId,
    containerAppEnvironmentId: p.environment.environmentId,
    workloadProfileName: p.environment.workloadProfileName,
    databaseServerId: p.database.server.id,
    databaseHost: p.database.host,
    keyVaultId: p.secrets.vault.id,
    secretsDependOn: [p.secrets.officersPropagation.sleep],
    storageAccountId: p.storage.account.id,
    storageAccountName: p.storage.accountName,
    dataContainers: { processed: p.storage.containers.processed.name, viz: p.storage.containers.viz.name },
    jobs: { transform, ...(train ? { train } : {}) },
    actionGroupId: p.actionGroupId,
    logWorkspaceId: p.logWorkspaceId,
    size: p.config.size,
    minWorkers: p.config.minWorkers,
    maxWorkers: p.config.maxWorkers,
    extraVariables: p.config.variables,
  });
}
