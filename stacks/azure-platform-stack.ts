/**
 * The MLOps platform on Azure for one environment. Reads top to bottom in the order every cloud's
 * stack follows: backend, provider, network, registry, storage, secrets, database, runtime,
 * ingress, trigger, monitoring, outputs. Azure adds a resource group before the network and the
 * Log Analytics workspace right after it (every diagnostic setting and the Container Apps
 * environment write into it); alerts stay in the monitoring step. The CI identities come before the
 * registry, as on AWS; their registry and data grants follow the resources they name.
 *
 * Dev is cheap, prod resilient, from the environment config: `network.zoneRedundant` selects the
 * Premium registry with a private endpoint, ZRS storage and a zone-redundant Container Apps
 * environment; `database.*` sizes PostgreSQL and turns on zone-redundant HA, geo backups and the
 * delete lock; `storage.*` sets soft delete, version expiry, access logs and the storage lock.
 */
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { ConsoleLink } from "../modules/core/contracts";
import { Naming } from "../modules/core/naming";
import { platformTags } from "../modules/core/tags";
import { CiIdentity } from "../modules/azure/ci-identity";
import { ContainerAppService } from "../modules/azure/container-app";
import { ContainerAppsEnvironment } from "../modules/azure/container-app-environment";
import { ContainerAppsJob } from "../modules/azure/container-app-job";
import { DataTrigger } from "../modules/azure/data-trigger";
import { Database } from "../modules/azure/database";
import { LogWorkspace } from "../modules/azure/log-workspace";
import { Monitoring } from "../modules/azure/monitoring";
import { Network } from "../modules/azure/network";
import { ObjectStorage } from "../modules/azure/object-storage";
import { Registry } from "../modules/azure/registry";
import { Secrets } from "../modules/azure/secrets";
import { AzureTagsAspect } from "../modules/azure/tags";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

/** One `<env>-azure` stack. */
export class AzurePlatformStack extends TerraformStack {
  readonly resourceGroup: ResourceGroup;
  readonly network: Network;
  readonly logs: LogWorkspace;
  readonly ci: CiIdentity;
  readonly registry: Registry;
  readonly storage: ObjectStorage;
  readonly secrets: Secrets;
  readonly database?: Database;
  readonly environment: ContainerAppsEnvironment;
  readonly apps: ContainerAppService[] = [];
  readonly jobs: ContainerAppsJob[] = [];
  readonly triggers: DataTrigger[] = [];
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const azure = env.clouds.azure;
    if (!azure) throw new Error(`${id}: environment ${env.name} has no azure section`);
    const naming = new Naming(env.namePrefix, env.name);
    const location = azure.location;
    const seed = azure.subscriptionId;
    const resilient = azure.network.zoneRedundant;
    // azurerm has no default tags: this aspect tags every resource, and runs before the policy aspect.
    Aspects.of(this).add(new AzureTagsAspect(platformTags(env, "azure")));

    // backend
    configureBackend(this, azure.backend, id);

    // provider
    new AzurermProvider(this, "azurerm", {
      subscriptionId: azure.subscriptionId,
      tenantId: azure.tenantId,
      // Shared keys are off on the data account: the provider talks to Blob and queues with Entra ID.
      storageUseAzuread: true,
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
    this.resourceGroup = new ResourceGroup(this, "rg", { name: naming.name("rg"), location });
    const rg = this.resourceGroup.name;
    const common = { naming, resourceGroupName: rg, location };

    // network
    this.network = new Network(this, "network", {
      ...common,
      cidr: azure.network.cidr,
      allowPublicIngress: services.some((s) => s.kind === "service" && s.ingress === "public"),
    });
    this.logs = new LogWorkspace(this, "logs", { ...common, retentionDays: env.logRetentionDays });
    const logWorkspaceId = this.logs.workspaceId;

    // identity for CI: the identities and their GitHub trust now; the grants on the registry and the
    // data account are added below, once those exist (allowPublish, allowDataRead)
    this.ci = new CiIdentity(this, "ci", {
      ...common,
      subscriptionId: azure.subscriptionId,
      repository: env.github.repository,
      githubEnvironment: env.github.environment ?? env.name,
      stateStorage: azure.backend.type === "azurerm" ? azure.backend : undefined,
    });

    // registry
    const registrySku = azure.registrySku ?? (resilient ? "Premium" : "Basic");
    this.registry = new Registry(this, "registry", {
      ...common,
      uniqueSeed: seed,
      sku: registrySku,
      zoneRedundant: registrySku === "Premium" && resilient,
      network: registrySku === "Premium" ? this.network : undefined,
      allowedIpRanges: registrySku === "Premium" ? azure.allowedIpRanges : [],
      logWorkspaceId,
    });
    this.ci.allowPublish(this.registry.registry.id);

    // storage
    this.storage = new ObjectStorage(this, "storage", {
      ...common,
      uniqueSeed: seed,
      replication: resilient ? "ZRS" : "LRS",
      encryption: env.storage.encryption,
      softDeleteDays: Math.min(Math.max(env.storage.noncurrentVersionExpirationDays, 1), 365),
      noncurrentVersionExpirationDays: env.storage.noncurrentVersionExpirationDays,
      network: this.network,
      allowedIpRanges: azure.allowedIpRanges,
      accessLogging: env.storage.accessLogging,
      logWorkspaceId,
      forceDestroy: env.storage.forceDestroy,
    });
    this.ci.allowDataRead(this.storage.account.id);

    // secrets
    this.secrets = new Secrets(this, "secrets", {
      ...common,
      tenantId: azure.tenantId,
      uniqueSeed: seed,
      softDeleteRetentionDays: env.storage.forceDestroy ? 7 : 90,
      network: this.network,
      allowedIpRanges: azure.allowedIpRanges,
      logWorkspaceId,
    });

    // database (only when a service needs it)
    if (services.some((s) => s.usesDatabase)) {
      this.database = new Database(this, "database", {
        ...common,
        tenantId: azure.tenantId,
        uniqueSeed: seed,
        network: this.network,
        password: this.secrets.generate("mlflow-db-password"),
        tier: env.database.tier,
        storageGiB: env.database.storageGiB,
        highAvailability: env.database.highAvailability,
        deletionProtection: env.database.deletionProtection,
        backupRetentionDays: env.database.backupRetentionDays,
        logWorkspaceId,
      });
    }

    // runtime and ingress (each app's ingress is external or internal per its spec)
    this.environment = new ContainerAppsEnvironment(this, "apps-env", {
      ...common,
      network: this.network,
      logWorkspaceId,
      zoneRedundant: resilient,
    });
    const wiring = {
      ...common,
      registry: this.registry,
      storage: this.storage,
      secrets: this.secrets,
      database: this.database,
      appInsights: this.logs.appInsights,
    };
    for (const spec of services.filter((s) => s.kind === "service")) {
      this.apps.push(new ContainerAppService(this, `app-${spec.name}`, { ...wiring, spec, environment: this.environment, tenantId: azure.tenantId }));
    }

    // trigger: blob arrival starts the job; jobs without a trigger are started by hand or a pipeline
    for (const spec of services.filter((s) => s.kind === "job")) {
      const trigger = spec.trigger
        ? new DataTrigger(this, `trigger-${spec.name}`, {
            ...common,
            uniqueSeed: seed,
            storage: this.storage,
            secrets: this.secrets,
            jobName: spec.name,
            bucket: spec.trigger.bucket,
            prefix: spec.trigger.prefix,
          })
        : undefined;
      const job = new ContainerAppsJob(this, `job-${spec.name}`, { ...wiring, spec, environment: this.environment, queue: trigger?.queueTrigger });
      if (trigger) {
        trigger.grantConsume(job.workload.identity.principalId);
        this.triggers.push(trigger);
      }
      this.jobs.push(job);
    }

    // monitoring
    this.monitoring = new Monitoring(this, "monitoring", {
      naming,
      resourceGroupName: rg,
      alertEmail: env.alertEmail,
      apps: this.apps,
      portalResourceUrl: `https://portal.azure.com/#@${azure.tenantId}/resource`,
    });
    const m = this.monitoring;
    m.linkResource("Resource group", this.resourceGroup.id);
    m.linkResource("Log Analytics workspace", this.logs.workspace.id);
    m.linkResource("Application Insights", this.logs.appInsights.id);
    for (const app of this.apps) m.linkResource(`App ${app.name}`, app.app.id);
    for (const job of this.jobs) m.linkResource(`Job ${job.name}`, job.job.id);

    // outputs
    new TerraformOutput(this, "resource_group", { value: rg, description: "Resource group of the platform" });
    new TerraformOutput(this, "vnet_id", { value: this.network.networkId, description: "VNet of the platform" });
    new TerraformOutput(this, "registry_login_server", { value: this.registry.loginServer, description: "ACR login server (push images here)" });
    new TerraformOutput(this, "storage_account", { value: this.storage.accountName, description: "Storage account holding the data containers" });
    new TerraformOutput(this, "key_vault_uri", { value: this.secrets.vaultUri, description: "Key Vault of the platform's secrets" });
    for (const [name, identity] of Object.entries({ publisher: this.ci.publisher, builder: this.ci.builder, developer: this.ci.developer })) {
      new TerraformOutput(this, `ci_client_id_${name}`, { value: identity.clientId, description: `GitHub OIDC managed identity: ${name} (azure/login client-id)` });
    }
    new TerraformOutput(this, "ci_tenant_id", { value: azure.tenantId, description: "Entra ID tenant of the CI identities (azure/login tenant-id)" });
    new TerraformOutput(this, "ci_subscription_id", { value: azure.subscriptionId, description: "Subscription the CI identities work in (azure/login subscription-id)" });
    for (const app of this.apps) {
      if (app.publicUrl) {
        const key = app.name.replace(/[^a-z0-9]+/g, "_");
        new TerraformOutput(this, `endpoint_${key}`, { value: app.publicUrl, description: `Public HTTPS endpoint of ${app.name} (JWT required)` });
      }
    }
    for (const l of m.links) {
      new TerraformOutput(this, `console_${l.label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`, { value: l.url, description: `${l.label} in the Azure portal` });
    }
  }

  /** Console links of the stack (the synth summary prints the outputs). */
  get links(): readonly ConsoleLink[] {
    return this.monitoring.links;
  }
}
