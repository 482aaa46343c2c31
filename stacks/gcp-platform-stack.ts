/**
 * The MLOps platform on Google Cloud for one environment. Reads top to bottom in the order every
 * cloud's stack follows: backend, provider, network, (identity,) registry, storage, secrets,
 * database, runtime, ingress, trigger, monitoring, outputs.
 *
 * Dev is cheap and prod resilient through the environment config alone: database size, regional
 * HA, backups and deletion protection; CMEK and access logs on buckets; flow log sampling; min and
 * max instances. Project number and region come from config. The one data source,
 * `google_storage_project_service_account`, is there to provision the Cloud Storage service agent
 * before anything is granted to it (modules/gcp/private/storage-agent.ts), not to look up config:
 * it waits for storage.googleapis.com, so on a fresh project it is read at apply; once the API is
 * enabled, plans read it (roles/viewer suffices).
 */
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ConsoleLink, PlatformService } from "../modules/core/contracts";
import { Naming } from "../modules/core/naming";
import { platformTags } from "../modules/core/tags";
import { ApiDependencies } from "../modules/gcp/api-dependencies";
import { CiIdentity } from "../modules/gcp/ci-identity";
import { CloudRun } from "../modules/gcp/cloud-run";
import { DataArrivalTrigger } from "../modules/gcp/data-arrival-trigger";
import { Database } from "../modules/gcp/database";
import { AGENT_API, EncryptionKey } from "../modules/gcp/encryption-key";
import { googleLabels } from "../modules/gcp/labels";
import { Monitoring } from "../modules/gcp/monitoring";
import { Network } from "../modules/gcp/network";
import { ObjectStorage } from "../modules/gcp/object-storage";
import { ProjectServices } from "../modules/gcp/project-services";
import { Registry } from "../modules/gcp/registry";
import { dependOn } from "../modules/gcp/private/depends-on";
import { Secrets } from "../modules/gcp/secrets";
import { suppress } from "../modules/policy/suppressions";
import { ServiceIdentity } from "../modules/gcp/service-identity";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

/** One `<env>-gcp` stack. */
export class GcpPlatformStack extends TerraformStack {
  readonly network: Network;
  readonly ci: CiIdentity;
  readonly registry: Registry;
  readonly storage: ObjectStorage;
  readonly secrets: Secrets;
  readonly database?: Database;
  readonly workloads: CloudRun[] = [];
  readonly monitoring: Monitoring;
  readonly links: ConsoleLink[] = [];

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const gcp = env.clouds.gcp;
    if (!gcp) throw new Error(`${id}: environment ${env.name} has no gcp section`);
    const naming = new Naming(env.namePrefix, env.name);
    const { projectId, projectNumber, region } = gcp;
    const protect = env.database.deletionProtection;
    const labels = googleLabels(platformTags(env, "gcp"), this);

    configureBackend(this, gcp.backend, id);

    const provider = new GoogleProvider(this, "google", { project: projectId, region });
    // Not `defaultLabels`: the binding snake-cases the provider's map keys (cost-center -> cost_center).
    provider.addOverride("default_labels", labels);
    const apis = new ProjectServices(this, "apis", { projectId });
    Aspects.of(this).add(new ApiDependencies(apis.byApi));

    this.network = new Network(this, "network", {
      naming,
      projectId,
      region,
      cidr: gcp.network.cidr,
      enableFlowLogs: gcp.network.flowLogs,
      // Full sampling where forensics matter; half in dev and staging to keep log cost down.
      flowLogSampling: env.storage.accessLogging ? 1 : 0.5,
    });

    if (!gcp.network.flowLogs) {
      suppress(this.network.subnet, "MLOPS-GCP-SUBNET-FLOW-LOGS", `flow logs turned off in the ${env.name} environment config (clouds.gcp.network.flowLogs)`);
    }

    // identity for CI, then the registry it publishes to
    this.ci = new CiIdentity(this, "ci", {
      naming,
      projectId,
      projectNumber,
      repository: env.github.repository,
      githubEnvironment: env.github.environment ?? env.name,
      stateBucket: gcp.backend.type === "gcs" ? gcp.backend.bucket : undefined,
    });
    // Pools and providers have no entry in ApiDependencies' table; STS and IAM credentials serve the token exchange.
    dependOn(this.ci, ...["iam", "sts", "iamcredentials"].flatMap((a) => apis.byApi.get(`${a}.googleapis.com`) ?? []));

    const key =
      env.storage.encryption === "kms"
        ? new EncryptionKey(this, "encryption-key", { naming, projectId, projectNumber, region, users: ["storage", "artifact-registry"] })
        : undefined;

    this.registry = new Registry(this, "registry", {
      naming,
      projectId,
      region,
      keepImages: env.registry.keepImages,
      customerManagedKey: key?.keyId,
    });
    this.ci.allowPublish(this.registry);

    this.storage = new ObjectStorage(this, "storage", {
      naming,
      projectId,
      projectNumber,
      region,
      noncurrentVersionExpirationDays: env.storage.noncurrentVersionExpirationDays,
      customerManagedKey: key?.keyId,
      enableAccessLogging: env.storage.accessLogging,
      accessLogRetentionDays: env.logRetentionDays,
      forceDestroy: env.storage.forceDestroy,
    });
    // A bucket or repository with CMEK fails to create until the service agent may use the key.
    if (key) dependOn(this.storage, key);
    if (key) dependOn(this.registry, key);
    // Agents created by enabling their API (Artifact Registry's) do not exist before it: IAM would reject the grant.
    for (const [user, grant] of key?.grants ?? []) {
      const api = apis.byApi.get(AGENT_API[user]);
      if (api) dependOn(grant, api);
    }
    this.ci.allowRead(Object.fromEntries(Object.keys(this.storage.buckets).map((p) => [p, this.storage.bucketName(p as never)])));

    this.secrets = new Secrets(this, "secrets", { naming, projectId, region, names: services.flatMap((s) => s.secrets), deletionProtection: protect });

    const usesDatabase = services.some((s) => s.usesDatabase);
    const databaseInstanceName = usesDatabase ? naming.bounded(80, "mlflow") : undefined;
    const identities = new Map(
      services.map((spec) => [
        spec.name,
        new ServiceIdentity(this, `identity-${spec.name}`, {
          naming,
          projectId,
          spec,
          storage: this.storage,
          secrets: this.secrets,
          registry: this.registry,
          databaseInstanceName,
        }),
      ]),
    );

    if (usesDatabase) {
      const db = env.database;
      this.database = new Database(this, "database", {
        naming,
        projectId,
        region,
        networkId: this.network.networkId,
        privateServicesConnection: this.network.privateServicesConnection,
        size: db.tier,
        tier: gcp.databaseTier,
        storageGiB: db.storageGiB,
        highAvailability: db.highAvailability,
        deletionProtection: db.deletionProtection,
        backupRetentionDays: db.backupRetentionDays,
        iamServiceAccounts: services.filter((s) => s.usesDatabase).map((s) => identities.get(s.name)!.email),
        labels,
      });
    }

    for (const spec of services) {
      const identity = identities.get(spec.name)!;
      const bucketEnv: Record<string, string> = { GOOGLE_CLOUD_PROJECT: projectId };
      for (const purpose of Object.keys(spec.buckets) as (keyof typeof spec.buckets)[]) {
        bucketEnv[`BUCKET_${purpose.toUpperCase().replace(/-/g, "_")}`] = this.storage.bucketName(purpose);
      }
      if (spec.buckets["mlflow-artifacts"] === "read-write") bucketEnv.MLFLOW_ARTIFACTS_DESTINATION = `gs://${this.storage.bucketName("mlflow-artifacts")}`;
      const db = spec.usesDatabase && this.database ? this.database : undefined;
      this.workloads.push(
        new CloudRun(this, `run-${spec.name}`, {
          naming,
          projectId,
          region,
          spec,
          image: this.registry.imageUri(spec.name, spec.image),
          serviceAccountEmail: identity.email,
          networkId: this.network.networkId,
          subnetId: this.network.subnet.id,
          secretIds: Object.fromEntries(spec.secrets.map((s) => [s, this.secrets.secretId(s)])),
          extraEnv: bucketEnv,
          database: db ? { connectionName: db.connectionName, databaseName: db.databaseName, userName: db.iamUserNames.get(identity.email)! } : undefined,
          invokers: spec.ingress === "public" && spec.auth === "jwt" ? gcp.invokers : undefined,
          deletionProtection: protect,
        }),
      );
      // Cloud Run checks the runtime account's roles when a revision starts: grant them first.
      dependOn(this.workloads[this.workloads.length - 1], identity);
    }

    // Ingress: none beyond Cloud Run's own front end (see modules/gcp/cloud-run.ts for the auth design).

    services.forEach((spec, i) => {
      const job = this.workloads[i].job;
      if (!spec.trigger || !job) return;
      new DataArrivalTrigger(this, `trigger-${spec.name}`, {
        naming,
        projectId,
        region,
        bucketName: this.storage.bucketName(spec.trigger.bucket),
        prefix: spec.trigger.prefix,
        jobName: job.name,
        purpose: spec.name,
      });
    });

    this.monitoring = new Monitoring(this, "monitoring", {
      naming,
      projectId,
      projectNumber,
      region,
      alertEmail: env.alertEmail,
      labels,
      logRetentionDays: env.logRetentionDays,
      workloads: services.map((spec, i) => ({
        name: spec.name,
        kind: spec.kind,
        // The resource's name attribute: the uptime invoker grant on a service must wait for it.
        runName: this.workloads[i].service?.name ?? this.workloads[i].job?.name ?? this.workloads[i].name,
        maxInstances: spec.scaling.max,
        publicUrl: this.workloads[i].publicUrl,
        healthPath: spec.healthPath,
      })),
    });

    const console = (path: string) => `https://console.cloud.google.com/${path}${path.includes("?") ? "&" : "?"}project=${projectId}`;
    this.link("VPC", console(`networking/networks/details/${naming.bounded(63, "vpc")}`));
    this.link("Artifact Registry", console(`artifacts/docker/${projectId}/${region}/${naming.bounded(63, "images")}`));
    this.link("Cloud Storage", console("storage/browser"));
    this.link("Cloud Run", console("run"));
    if (this.database) this.link("Cloud SQL", console(`sql/instances/${this.database.instanceName}/overview`));
    for (const l of this.monitoring.links) this.link(l.label, l.url);

    new TerraformOutput(this, "network_id", { value: this.network.networkId, description: "VPC of the platform" });
    new TerraformOutput(this, "subnet_id", { value: this.network.subnet.id, description: "Workload subnet (Cloud Run Direct VPC egress)" });
    new TerraformOutput(this, "registry_url", { value: this.registry.repositoryBase, description: "Artifact Registry repository for the service images" });
    new TerraformOutput(this, "bucket_names", { value: Object.fromEntries(Object.keys(this.storage.buckets).map((p) => [p, this.storage.bucketName(p as never)])), description: "Bucket name per purpose" });
    new TerraformOutput(this, "ci_workload_identity_provider", { value: this.ci.providerName, description: "workload_identity_provider for google-github-actions/auth" });
    for (const persona of ["publisher", "builder", "developer"] as const) {
      new TerraformOutput(this, `ci_service_account_${persona}`, { value: this.ci.emails[persona], description: `GitHub OIDC service account: ${persona}` });
    }
    if (this.database) new TerraformOutput(this, "database_connection_name", { value: this.database.connectionName, description: "Cloud SQL connection name (Auth Proxy)" });
    for (const w of this.workloads as PlatformService[]) {
      if (w.publicUrl) new TerraformOutput(this, `url_${(w as CloudRun).node.id.replace(/^run-/, "").replace(/-/g, "_")}`, { value: w.publicUrl, description: `${w.name} endpoint (IAM-authenticated)` });
    }
    for (const l of this.links) {
      new TerraformOutput(this, `console_${l.label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`, { value: l.url, description: `${l.label} in the Google Cloud console` });
    }
  }

  private link(label: string, url: string): void {
    this.links.push({ label, url });
  }
}
