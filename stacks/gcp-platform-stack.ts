/**
 * The MLOps platform on Google Cloud for one environment. Reads top to bottom in the order every
 * cloud's stack follows (ARCHITECTURE.md): backend, provider, network, identity, registry, storage,
 * secrets, database, runtime, ingress, trigger, monitoring, outputs.
 *
 * Dev is cheap and prod resilient through the environment config alone: database size and backups;
 * regional HA and deletion protection from the resolved intent (modules/core/intent.ts); CMEK and
 * access logs on buckets; flow log sampling; min and max instances. Project number and region come from config. The one data source,
 * `google_storage_project_service_account`, is there to provision the Cloud Storage service agent
 * before anything is granted to it (modules/gcp/private/storage-agent.ts), not to look up config:
 * it waits for storage.googleapis.com, so on a fresh project it is read at apply; once the API is
 * enabled, plans read it (roles/viewer suffices).
 */
import { Construct } from "constructs";
import { Annotations, Aspects, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ConsoleLink, PlatformCiIdentity, PlatformDatabase, PlatformDataTrigger, PlatformMonitoring, PlatformNetwork, PlatformObjectStorage, PlatformRegistry, PlatformSecrets } from "../modules/core/contracts";
import { ContainerFacts, containerEnvironment } from "../modules/core/container-contract";
import { resolveDatabase, resolveIntent } from "../modules/core/intent";
import { Naming } from "../modules/core/naming";
import { platformOutputs } from "../modules/core/outputs";
import { airflowExtraOutputs } from "../modules/core/airflow";
import { Composer } from "../modules/gcp/composer";
import { SelfHostedAirflow } from "../modules/gcp/self-hosted-airflow";
import { platformTags } from "../modules/core/tags";
import { ApiDependencies } from "../modules/gcp/api-dependencies";
import { CiIdentity } from "../modules/gcp/ci-identity";
import { CloudRun, cloudRunName, cloudRunUrl } from "../modules/gcp/cloud-run";
import { DataTrigger } from "../modules/gcp/data-trigger";
import { Database } from "../modules/gcp/database";
import { DATABASE_ADMIN_SECRET, DatabaseMigrationJob } from "../modules/gcp/database-migration-job";
import { MIGRATION_OUTPUTS } from "../modules/core/database-migration";
import { AGENT_API, EncryptionKey, KeyUser } from "../modules/gcp/encryption-key";
import { applyTags } from "../modules/gcp/tags";
import { Monitoring } from "../modules/gcp/monitoring";
import { Network } from "../modules/gcp/network";
import { ObjectStorage } from "../modules/gcp/object-storage";
import { ProjectServices } from "../modules/gcp/project-services";
import { Registry } from "../modules/gcp/registry";
import { dependOn } from "../modules/gcp/private/depends-on";
import { propagationWait, waitFor } from "../modules/gcp/private/propagation-wait";
import { Secrets } from "../modules/gcp/secrets";
import { suppress } from "../modules/policy/suppressions";
import { ServiceIdentity, serviceIdentityEmail } from "../modules/gcp/service-identity";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

/** Google's ID token issuer and its keys (public `jwt` services verify callers again behind Cloud Run IAM). */
const GOOGLE_ISSUER = "https://accounts.google.com";
const GOOGLE_JWKS = "https://www.googleapis.com/oauth2/v3/certs";

/** One `<env>-gcp` stack. */
export class GcpPlatformStack extends TerraformStack {
  readonly network: PlatformNetwork;
  readonly ci: PlatformCiIdentity;
  readonly registry: PlatformRegistry;
  readonly storage: PlatformObjectStorage;
  readonly secrets: PlatformSecrets;
  readonly database?: PlatformDatabase;
  readonly workloads: CloudRun[] = [];
  readonly triggers: PlatformDataTrigger[] = [];
  readonly monitoring: PlatformMonitoring;
  readonly links: readonly ConsoleLink[];
  /**
   * When the environment turns Airflow on and the catalog has a transform job: Cloud Composer 3
   * (`airflow.mode: "managed"`) or the official image on Cloud Run (`"self-hosted"`).
   */
  readonly airflow?: Composer | SelfHostedAirflow;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const gcp = env.clouds.gcp;
    if (!gcp) throw new Error(`${id}: environment ${env.name} has no gcp section`);
    const naming = new Naming(env.namePrefix, env.name);
    const { projectId, projectNumber, region } = gcp;
    const decide = resolveIntent(env);

    // backend
    configureBackend(this, gcp.backend, id);

    // provider, the project's APIs, and the environment's key (every later step encrypts with it)
    const labels = applyTags(new GoogleProvider(this, "google", { project: projectId, region }), platformTags(env, "gcp"));
    const apis = new ProjectServices(this, "apis", { projectId });
    Aspects.of(this).add(new ApiDependencies(apis.byApi));
    const key =
      env.storage.encryption === "kms"
        ? new EncryptionKey(this, "encryption-key", {
            naming,
            projectId,
            projectNumber,
            region,
            users: ["storage", "artifact-registry", ...(services.some((s) => s.trigger) ? (["pubsub"] as const) : [])],
            preventDestroy: !decide.forceDestroy,
          })
        : undefined;
    // Agents created by enabling their API (Artifact Registry's) do not exist before it: IAM would reject the grant.
    for (const [user, grant] of key?.grants ?? []) {
      const api = apis.byApi.get(AGENT_API[user]);
      if (api) dependOn(grant, api);
    }
    // Each user of the key waits for its own agent's grant and its propagation, never for the whole key:
    // buckets must not wait for the Artifact Registry agent's grant (a deadlock on a fresh project).
    const keyReady = (user: KeyUser) => {
      const grant = key?.grants.get(user);
      return grant ? [propagationWait(this, `kms_grant_${user.replace(/-/g, "_")}`, [grant])] : [];
    };

    // network
    const network = new Network(this, "network", {
      naming,
      projectId,
      region,
      cidr: gcp.network.cidr,
      enableFlowLogs: gcp.network.flowLogs,
      flowLogSampling: gcp.network.flowLogSampling,
    });
    if (!gcp.network.flowLogs) {
      suppress(network.subnet, "MLOPS-GCP-SUBNET-FLOW-LOGS", `flow logs turned off in the ${env.name} environment config (clouds.gcp.network.flowLogs)`);
    }
    this.network = network;

    // identity: CI's service accounts trusted through GitHub OIDC (workload identities come with the runtime)
    const ci = new CiIdentity(this, "ci", {
      naming,
      projectId,
      projectNumber,
      repository: env.github.repository,
      githubEnvironment: env.github.environment ?? env.name,
      stateBucket: gcp.backend.type === "gcs" ? gcp.backend.bucket : undefined,
    });
    // Pools and providers have no entry in ApiDependencies' table; STS and IAM credentials serve the token exchange.
    dependOn(ci, ...["iam", "sts", "iamcredentials"].flatMap((a) => apis.byApi.get(`${a}.googleapis.com`) ?? []));
    this.ci = ci;

    // registry
    const registry = new Registry(this, "registry", {
      naming,
      projectId,
      region,
      keepImages: env.registry.keepImages,
      customerManagedKey: key?.keyId,
      repositories: services.map((s) => s.name),
      forceDestroy: decide.forceDestroy,
    });
    // A repository with CMEK fails to create until the service agent may use the key.
    for (const wait of keyReady("artifact-registry")) waitFor(wait, registry);
    ci.allowPublish(registry);
    this.registry = registry;

    // storage
    const storage = new ObjectStorage(this, "storage", {
      naming,
      projectId,
      projectNumber,
      region,
      noncurrentVersionExpirationDays: env.storage.noncurrentVersionExpirationDays,
      customerManagedKey: key?.keyId,
      accessLogging: env.storage.accessLogging,
      accessLogRetentionDays: env.logRetentionDays,
      forceDestroy: decide.forceDestroy,
    });
    for (const wait of keyReady("storage")) waitFor(wait, storage);
    this.storage = storage;

    // secrets
    const usesDatabase = services.some((s) => s.usesDatabase);
    // The built-in postgres user's password, for day 0's migration job only (the workloads log in with IAM).
    const secretNames = [...services.flatMap((s) => s.secrets), ...(usesDatabase ? [DATABASE_ADMIN_SECRET] : [])];
    const secrets = new Secrets(this, "secrets", { naming, projectId, region, names: secretNames, deletionProtection: decide.deletionProtection });
    this.secrets = secrets;

    // database (only when a workload needs it); its IAM users are the workloads' accounts, known by name
    const db = resolveDatabase(env, env.database.backupRetentionDays, "gcp");
    const database = usesDatabase
      ? new Database(this, "database", {
          naming,
          projectId,
          region,
          networkId: network.networkId,
          privateServicesConnection: network.privateServicesConnection,
          tier: env.database.tier,
          machineTier: gcp.databaseTier,
          storageGiB: env.database.storageGiB,
          highAvailability: db.multiZone,
          deletionProtection: db.deletionProtection,
          backupRetentionDays: db.backupRetentionDays,
          finalSnapshot: db.finalSnapshot,
          iamServiceAccounts: services.filter((s) => s.usesDatabase).map((s) => serviceIdentityEmail(naming, projectId, s.name)),
          labels,
        })
      : undefined;
    this.database = database;
    // day 0's migration runs inside the VPC, as a one-off job the day-0 step starts
    const migration = database
      ? new DatabaseMigrationJob(this, "db-migrate", { naming, projectId, region, networkId: network.networkId, subnetId: network.subnet.id, database, secrets, after: [network] })
      : undefined;

    // runtime: each workload's own account, then its Cloud Run service or job
    const mlflow = services.find((s) => s.name === "mlflow" && s.kind === "service");
    const train = services.find((s) => s.name === "train" && s.kind === "job");
    // MLflow has no auth of its own: only the workloads the container contract points at it may call it.
    const mlflowCallers: { name: string; identity: ServiceIdentity }[] = [];
    const identities = new Map<string, ServiceIdentity>();
    for (const spec of services) {
      const identity = new ServiceIdentity(this, `identity-${spec.name}`, {
        naming,
        projectId,
        spec,
        storage,
        secrets,
        registry,
        databaseInstanceName: spec.usesDatabase ? database?.instanceName : undefined,
      });
      identities.set(spec.name, identity);
      const facts: ContainerFacts = {
        cloud: "gcp",
        environment: env.name,
        bucketName: (p) => storage.bucketName(p),
        cloudEnv: { GOOGLE_CLOUD_PROJECT: projectId, GOOGLE_CLOUD_REGION: region },
        auth: {
          issuer: GOOGLE_ISSUER,
          audience: cloudRunUrl(naming, spec.name, projectNumber, region),
          jwksUri: GOOGLE_JWKS,
          adminClaim: "email",
          // clouds.gcp.admins: the e-mails whose Google-signed ID tokens may retrain (empty: nobody is admin).
          adminValues: gcp.admins,
        },
        database: database
          ? { host: "127.0.0.1", port: database.port, name: database.databaseName, user: database.iamUserNames.get(identity.email)!, sslMode: "disable", auth: "iam" }
          : undefined,
        mlflowTrackingUri: mlflow ? cloudRunUrl(naming, mlflow.name, projectNumber, region) : undefined,
        mlflowAllowedHosts: mlflow ? [new URL(cloudRunUrl(naming, mlflow.name, projectNumber, region)).host] : undefined,
        trainJob: train ? { id: `projects/${projectId}/locations/${region}/jobs/${cloudRunName(naming, train.name)}` } : undefined,
      };
      const workload = new CloudRun(this, `run-${spec.name}`, {
        naming,
        projectId,
        region,
        spec,
        image: registry.imageUri(spec.name, spec.image),
        serviceAccountEmail: identity.email,
        networkId: network.networkId,
        subnetId: network.subnet.id,
        secretIds: Object.fromEntries(spec.secrets.map((s) => [s, secrets.secretId(s)])),
        facts,
        database: spec.usesDatabase && database ? { connectionName: database.connectionName, databaseName: database.databaseName, userName: database.iamUserNames.get(identity.email)! } : undefined,
        invokers: spec.ingress === "public" && spec.auth === "jwt" ? gcp.invokers : undefined,
        callersOnly: spec === mlflow,
        deletionProtection: decide.deletionProtection,
      });
      if (spec !== mlflow && containerEnvironment(spec, facts).env.some((e) => e.name === "MLFLOW_TRACKING_URI")) mlflowCallers.push({ name: spec.name, identity });
      // Cloud Run checks the runtime account's roles, and reads its secrets, when a revision starts:
      // grants and the secrets' first versions come first.
      dependOn(workload, identity, ...spec.secrets.map((s) => secrets.firstVersions.get(s)!));
      this.workloads.push(workload);
    }

    const mlflowRun = this.workloads.find((w) => w.name === mlflow?.name);
    for (const c of mlflowCallers) mlflowRun?.allowCaller(c.name, c.identity.member, c.identity.account);
    // The model API's retrain runs the train job (TRAIN_JOB): its service is deployed after the grant.
    const trainRun = this.workloads.find((w) => w.name === train?.name);
    const modelApiIdentity = identities.get("model-api");
    const modelApiRun = this.workloads.find((w) => w.name === "model-api");
    if (trainRun && modelApiRun && modelApiIdentity) dependOn(modelApiRun, trainRun.allowStarting("model-api", modelApiIdentity.member, modelApiIdentity.account));

    // ingress: none beyond Cloud Run's own front end (see modules/gcp/cloud-run.ts for the auth design)

    // trigger: an object finalized under the prefix starts the job
    const eventarcApi = apis.byApi.get("eventarc.googleapis.com");
    const eventarcReady = eventarcApi && services.some((s) => s.trigger) ? [propagationWait(this, "eventarc_service_agent", [eventarcApi])] : [];
    const pubsubKeyReady = keyReady("pubsub");
    for (const workload of this.workloads) {
      const spec = services.find((s) => s.name === workload.name)!;
      if (!spec.trigger || !workload.job) continue;
      this.triggers.push(
        new DataTrigger(this, `trigger-${spec.name}`, {
          naming,
          projectId,
          region,
          storage,
          bucket: spec.trigger.bucket,
          prefix: spec.trigger.prefix,
          jobName: spec.name,
          runJobName: workload.job.name,
          kmsKeyName: key?.keyId,
          keyReady: pubsubKeyReady,
          eventarcReady,
        }),
      );
    }

    // monitoring
    const console = (path: string) => `https://console.cloud.google.com/${path}${path.includes("?") ? "&" : "?"}project=${projectId}`;
    this.monitoring = new Monitoring(this, "monitoring", {
      naming,
      projectId,
      projectNumber,
      region,
      alertEmail: env.alertEmail,
      labels,
      logRetentionDays: env.logRetentionDays,
      workloads: this.workloads.map((w) => {
        const spec = services.find((s) => s.name === w.name)!;
        return {
          name: spec.name,
          kind: spec.kind,
          // The resource's name attribute: the uptime invoker grant on a service must wait for it.
          runName: w.service?.name ?? w.job?.name ?? w.runName,
          maxInstances: spec.scaling.max,
          publicUrl: w.publicUrl,
          healthPath: spec.healthPath,
        };
      }),
    });

    // airflow: Composer 3 or the self-hosted one runs the transform (and, once the catalog has it, train) job; the deploy identity mirrors DAGs
    this.airflow = env.airflow?.enabled
      ? airflow(this, { naming, projectId, projectNumber, region, network, workloads: this.workloads, storage, database, alertChannelId: (this.monitoring as Monitoring).channel.id, labels, customerManagedKey: key?.keyId, forceDestroy: decide.forceDestroy, config: env.airflow })
      : undefined;
    // A DAG bucket with CMEK fails to create until the storage agent may use the key.
    if (this.airflow instanceof SelfHostedAirflow) for (const wait of keyReady("storage")) waitFor(wait, this.airflow.dagBucket);
    this.airflow?.allowDagWriter("ci-dag-writer", `serviceAccount:${ci.builder.email}`);

    // outputs
    this.links = platformOutputs(this, {
      console: "Google Cloud console",
      network,
      registry,
      services: services.map((s) => s.name),
      storage,
      workloads: this.workloads,
      ci,
      database,
      monitoring: this.monitoring,
      consoleLinks: {
        dashboard: (this.monitoring as Monitoring).dashboardUrl,
        alerting: (this.monitoring as Monitoring).alertingUrl,
        network: console(`networking/networks/details/${naming.bounded(63, "vpc")}`),
        runtime: console(`run?region=${region}`),
        registry: console(`artifacts/docker/${projectId}/${region}/${naming.bounded(63, "images")}`),
        storage: console("storage/browser"),
        database: database ? console(`sql/instances/${database.instanceName}/overview`) : undefined,
        // Each service's or job's Logs tab (Cloud Logging, filtered to it).
        logs: Object.fromEntries(this.workloads.map((w) => [w.name, console(w.kind === "job" ? `run/jobs/details/${region}/${w.runName}/logs` : `run/detail/${region}/${w.runName}/logs`)])),
      },
      extra: [
        ...airflowExtraOutputs(this.airflow),
        { key: "subnet_id", value: network.subnet.id, description: "Workload subnet (Cloud Run Direct VPC egress)" },
        { key: "ci_workload_identity_provider", value: ci.providerName, description: "workload_identity_provider for google-github-actions/auth" },
        ...(migration ? [{ key: MIGRATION_OUTPUTS.job, value: migration.job.name, description: "Day-0 database migration job (Cloud Run)" }] : []),
      ],
    });
  }
}

/**
 * The environment's Airflow on the platform's network, starting the catalog's transform and train jobs
 * (none without a transform job): Cloud Composer 3, or with `airflow.mode: "self-hosted"` the official
 * image on Cloud Run with its metadata database on the platform's Cloud SQL instance.
 */
function airflow(
  scope: Construct,
  p: {
    naming: Naming;
    projectId: string;
    projectNumber: string;
    region: string;
    network: Network;
    workloads: readonly CloudRun[];
    storage: ObjectStorage;
    database?: Database;
    alertChannelId: string;
    labels: Readonly<Record<string, string>>;
    customerManagedKey?: string;
    forceDestroy: boolean;
    config: NonNullable<PlatformStackProps["env"]["airflow"]>;
  },
): Composer | SelfHostedAirflow | undefined {
  const jobName = (name: string) => p.workloads.find((w) => w.name === name)?.job?.name;
  const transform = jobName("transform");
  if (!transform) {
    Annotations.of(scope).addWarning("airflow.enabled but the catalog has no transform job: no Airflow is built");
    return undefined;
  }
  const train = jobName("train");
  const common = {
    naming: p.naming,
    projectId: p.projectId,
    projectNumber: p.projectNumber,
    region: p.region,
    jobs: { transform, ...(train ? { train } : {}) },
    dataBuckets: { processed: p.storage.bucketName("processed"), viz: p.storage.bucketName("viz") },
    alertChannelId: p.alertChannelId,
    labels: p.labels,
    customerManagedKey: p.customerManagedKey,
    size: p.config.size,
    minWorkers: p.config.minWorkers,
    maxWorkers: p.config.maxWorkers,
    extraVariables: p.config.variables,
  };
  if (p.config.mode !== "self-hosted") return new Composer(scope, "airflow", { ...common, networkId: p.network.networkId, subnetworkId: p.network.subnet.id });
  if (!p.database) {
    throw new Error('airflow.mode "self-hosted" on gcp keeps its metadata in the platform\'s Cloud SQL instance, but no catalog service uses the database, so there is none: use airflow.mode "managed" (Cloud Composer 3)');
  }
  return new SelfHostedAirflow(scope, "airflow", {
    ...common,
    networkId: p.network.networkId,
    subnetId: p.network.subnet.id,
    database: { instanceName: p.database.instanceName, connectionName: p.database.connectionName },
    accessLogBucket: p.storage.logBucket?.name,
    forceDestroy: p.forceDestroy,
  });
}
