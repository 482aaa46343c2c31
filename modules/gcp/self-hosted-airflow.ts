/**
 * Self-hosted Airflow 3 on Cloud Run (`airflow.mode: "self-hosted"`, a cheap dev instead of Cloud
 * Composer), the design of the AWS and Azure ones on Google Cloud: the official apache/airflow image
 * pinned by version and digest; the API server (UI, REST and task execution API) as an internal
 * Cloud Run service with one warm instance; scheduler (LocalExecutor), DAG processor and triggerer
 * as Cloud Run worker pools of exactly one instance (`scaling.manual_instance_count = 1`: no HTTP
 * port, nothing scales them to zero); all of them with Direct VPC egress (`ALL_TRAFFIC`, so the
 * components' calls to the internal API server arrive from the VPC).
 *
 * Database: the platform's Cloud SQL instance accepts connectors only and IAM logins only, so every
 * component runs the Cloud SQL Auth Proxy as a sidecar with `--auto-iam-authn` and connects to
 * 127.0.0.1:5432 as this Airflow's own service account (a `google_sql_user` of type
 * CLOUD_IAM_SERVICE_ACCOUNT created here, in the `airflow` database created here). The day-0
 * migration grants that role CONNECT on the database and its own schema `airflow` as search_path
 * (`login: "existing"`, declared with declareDatabaseLogin), as for the AWS and Azure logins; until
 * then `airflow db migrate` (the scheduler's entrypoint, `_AIRFLOW_DB_MIGRATE`) fails.
 *
 * Secrets (Fernet key, JWT secret, API secret key, the first UI user's password) are generated into Secret Manager as write-only
 * first versions (`secret_data_wo`, never in the JSON or the state) and read by reference. The API
 * server's invoker IAM check is off (`invoker_iam_disabled`) with internal-only ingress: the
 * components call the execution API with Airflow's own JWT, not a Google ID token, so the network
 * and Airflow's JWT are the boundary (MLOPS-GCP-RUN-PUBLIC-INVOKER accepts it for internal ingress).
 *
 * DAGs: the DAG store is this module's bucket (`gs://<bucket>/dags`, the `airflow_dag_store`
 * output scripts/mirror-dags.ts writes), mirrored into an in-memory volume by a sidecar running
 * `gcloud storage rsync --delete-unmatched-destination-objects` in a loop (a DAG removed from the
 * bucket disappears from Airflow). The service account may read that bucket, run exactly the
 * transform and train jobs with overrides, and read and write the data buckets' objects, as
 * Composer's account may (modules/gcp/composer.ts).
 *
 * Checked against the google provider v6.50.0,
 * google/services/cloudrunv2/resource_cloud_run_v2_worker_pool.go: the worker pool is GA in the
 * `google` provider; its containers have no ports and no probes; CPU limits are 1, 2, 4 or 8;
 * volumes include `empty_dir` (medium MEMORY only) and `cloud_sql_instance`; it has no
 * `execution_environment` and no `timeout`; `deletion_protection` defaults to true in the provider
 * (a destroy fails until it is false). Every example and generated test of the provider sets
 * `launch_stage = "BETA"` (worker pools were a Preview API then), so the pools do too
 * (WORKER_POOL_LAUNCH_STAGE): a GA API accepts a preview stage, a Preview API refuses a pool without
 * it. Drop it once `gcloud run worker-pools` is GA-only in the target projects.
 *
 * Size: worker pool containers take whole CPUs, sidecars included, so `small` is 2 vCPU for the API
 * server (request-based) and 8 always-on vCPU for the three pools (each 1 for Airflow, 1 for the
 * proxy, 1 for the DAG sync where it reads DAGs), about 11 GiB in all.
 *
 * The first UI user (`admin`) is created by the scheduler's entrypoint with the generated
 * `airflow-admin-password` (ADMIN_PASSWORD_SECRET). The UI itself is internal: open it from inside
 * the VPC (README: "Opening the UI").
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2WorkerPool, CloudRunV2WorkerPoolTemplateContainers } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { MonitoringAlertPolicy } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { SecretManagerSecret } from "@cdktf/provider-google/lib/secret-manager-secret";
import { SecretManagerSecretIamMember } from "@cdktf/provider-google/lib/secret-manager-secret-iam-member";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { SqlDatabase } from "@cdktf/provider-google/lib/sql-database";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import {
  AIRFLOW3_COMPONENTS,
  AIRFLOW_DATABASE,
  AIRFLOW_IMAGE,
  AIRFLOW_KEY_SECRETS,
  AirflowCommonProps,
  AirflowComponent,
  AirflowImage,
  AirflowJobs,
  AirflowSize,
  DagStore,
  imageDigestProblem,
  imageReference,
  PlatformAirflow,
  resolveAirflowCommon,
  variablesAsEnvironment,
} from "../core/airflow";
import { ConsoleLink } from "../core/contracts";
import { declareDatabaseLogin } from "../core/database-login";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { CLOUD_SQL_PROXY_IMAGE, cloudRunName, cloudRunUrl } from "./cloud-run";
import { gcpDagVariables } from "./private/airflow-dag-variables";
import { hardenedBucketConfig } from "./private/hardened-bucket";

/**
 * The gcloud CLI (alpine build), pinned by version, for the DAG sync sidecar: `gcloud storage rsync`
 * is the same command the deploy workflow mirrors with. Bump deliberately; add the digest once it
 * is confirmed with `docker buildx imagetools inspect`.
 */
export const GCLOUD_IMAGE = "gcr.io/google.com/cloudsdktool/google-cloud-cli:504.0.1-alpine";

/** Where the components read DAGs (the official image's default DAG folder). */
export const DAG_FOLDER = "/opt/airflow/dags";
/** The launch stage the worker pools declare (see the header: the provider's examples all set it). */
export const WORKER_POOL_LAUNCH_STAGE = "BETA";

/** Seconds between two DAG syncs. */
export const DAG_SYNC_SECONDS = 30;

/** Worker pool CPU per shared size for a 1000-millicore component (worker pools take 1, 2, 4 or 8). */
const CPU: Readonly<Record<AirflowSize, number>> = { small: 1, medium: 2, large: 4 };

/**
 * The first UI user's password (user `admin`): Cloud Run has no exec into a container, so the
 * scheduler's entrypoint creates the user (`_AIRFLOW_WWW_USER_CREATE`, the official image's
 * entrypoint; it leaves an existing user alone). Read it with `gcloud secrets versions access`.
 */
export const ADMIN_PASSWORD_SECRET = "airflow-admin-password";
type AirflowSecretName = keyof typeof AIRFLOW_KEY_SECRETS | typeof ADMIN_PASSWORD_SECRET;
const SECRET_NAMES: readonly AirflowSecretName[] = [...(Object.keys(AIRFLOW_KEY_SECRETS) as (keyof typeof AIRFLOW_KEY_SECRETS)[]), ADMIN_PASSWORD_SECRET];

export interface SelfHostedAirflowProps extends AirflowCommonProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly region: string;
  readonly networkId: string;
  /** The platform subnet (Direct VPC egress; Private Google Access on). */
  readonly subnetId: string;
  /** Cloud Run job names (v2), in `region`. */
  readonly jobs: AirflowJobs;
  /** Bucket names the DAGs read and write (Variables `mlops_processed_bucket`, `mlops_viz_bucket`; object read-write). */
  readonly dataBuckets: { readonly processed: string; readonly viz: string };
  /** The platform's Cloud SQL instance: its name (a reference) and connection name. */
  readonly database: { readonly instanceName: string; readonly connectionName: string };
  /** Notification channel id the alerts go to. */
  readonly alertChannelId: string;
  /** The environment's labels for alert policies. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Cloud KMS key for the DAG bucket (the storage agent must be allowed to use it). @default - Google-managed encryption */
  readonly customerManagedKey?: string;
  /** The access-log bucket: the DAG bucket logs its usage there. @default - no usage logs */
  readonly accessLogBucket?: string;
  /** Let `terraform destroy` delete the DAG bucket with objects, the services and the pools. @default false */
  readonly forceDestroy?: boolean;
  /** Bump to rotate every generated secret (ForceNew on the versions). @default 1 */
  readonly secretVersion?: number;
  /** @default AIRFLOW_IMAGE */
  readonly image?: AirflowImage;
}

type WorkerPoolComponent = Exclude<AirflowComponent["name"], "api-server">;

/** Airflow 3 as an internal Cloud Run service and three worker pools, with identity, database, secrets, DAG store and alerts. */
export class SelfHostedAirflow extends Construct implements PlatformAirflow {
  readonly mode = "self-hosted" as const;
  readonly account: ServiceAccount;
  readonly dagBucket: StorageBucket;
  readonly apiServer: CloudRunV2Service;
  readonly workerPools: Readonly<Record<WorkerPoolComponent, CloudRunV2WorkerPool>>;
  readonly secrets: Readonly<Record<AirflowSecretName, SecretManagerSecret>>;
  readonly sqlUser: SqlUser;
  readonly sqlDatabase: SqlDatabase;
  readonly dagStore: DagStore;
  readonly uiUrl: string;
  readonly links: readonly ConsoleLink[];
  readonly identity: string;
  readonly variables: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SelfHostedAirflowProps) {
    super(scope, id);
    const image = props.image ?? AIRFLOW_IMAGE;
    const { resolved, problems } = resolveAirflowCommon(props, [imageDigestProblem(image)]);
    if (problems.length > 0) throw new ValidationError(problems.join("; "), this);
    const n = props.naming;
    const project = props.projectId;
    const forceDestroy = props.forceDestroy ?? false;

    this.account = new ServiceAccount(this, "account", {
      project,
      accountId: n.bounded(30, "airflow"),
      displayName: "Airflow (self-hosted on Cloud Run)",
      description: "Runs the DAGs: starts the transform and train jobs, reads and writes the data buckets, reads the DAG bucket",
    });
    const member = `serviceAccount:${this.account.email}`;

    // DAG store: hardened like the data buckets (private/hardened-bucket.ts), the mirror writes dags/.
    this.dagBucket = new StorageBucket(this, "dags", {
      ...hardenedBucketConfig({ name: n.bounded(63, "airflow-dags", props.projectNumber), projectId: project, location: props.region, forceDestroy, customerManagedKey: props.customerManagedKey }),
      lifecycleRule: [{ condition: { daysSinceNoncurrentTime: 30 }, action: { type: "Delete" } }],
      logging: props.accessLogBucket ? { logBucket: props.accessLogBucket, logObjectPrefix: "airflow-dags/" } : undefined,
    });

    // What the DAGs do, and nothing more: the two jobs (the DAG passes the data version: overrides), the data buckets' objects.
    const grants: (CloudRunV2JobIamMember | StorageBucketIamMember | ProjectIamMember | SecretManagerSecretIamMember)[] = [];
    for (const [key, job] of Object.entries(props.jobs) as [keyof AirflowJobs, string | undefined][]) {
      if (job === undefined) continue;
      grants.push(new CloudRunV2JobIamMember(this, `run-${key}`, { project, location: props.region, name: job, role: "roles/run.jobsExecutorWithOverrides", member }));
    }
    for (const [purpose, bucket] of Object.entries(props.dataBuckets)) {
      grants.push(new StorageBucketIamMember(this, `bucket-${purpose}`, { bucket, role: "roles/storage.objectUser", member }));
    }
    grants.push(new StorageBucketIamMember(this, "dags-reader", { bucket: this.dagBucket.name, role: "roles/storage.objectViewer", member }));
    // IAM database login through the proxy, on the platform instance only (Cloud SQL has no resource-level IAM).
    const condition = {
      title: "platform-database-only",
      expression: `resource.name == "projects/${project}/instances/${props.database.instanceName}" && resource.service == "sqladmin.googleapis.com"`,
    };
    for (const role of ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]) {
      grants.push(new ProjectIamMember(this, role.split(".")[1].toLowerCase(), { project, role, member, condition }));
    }

    this.sqlDatabase = new SqlDatabase(this, "database", { name: AIRFLOW_DATABASE, project, instance: props.database.instanceName, deletionPolicy: "ABANDON" });
    this.sqlUser = new SqlUser(this, "database-user", {
      project,
      instance: props.database.instanceName,
      // Cloud SQL names an IAM service-account user by its e-mail without `.gserviceaccount.com`.
      name: `${this.account.accountId}@${project}.iam`,
      type: "CLOUD_IAM_SERVICE_ACCOUNT",
    });
    // The same name as a literal (the resource's attribute is a token): the login declaration and the URL need its text.
    const dbUser = `${n.bounded(30, "airflow")}@${project}.iam`;
    // Day 0's migration grants the IAM user CONNECT, its own schema `airflow` and that schema as search_path.
    declareDatabaseLogin(this, "airflow", {
      owner: "Airflow",
      server: props.database.instanceName,
      database: this.sqlDatabase.name,
      role: dbUser,
      schema: "airflow",
      login: "existing",
    });

    // Generated secrets, write-only (as modules/gcp/secrets.ts): never in cdk.tf.json nor in the state.
    const stack = TerraformStack.of(this);
    stack.addOverride("terraform.required_providers.random", { source: "hashicorp/random", version: "~> 3.7" });
    const versions: SecretManagerSecretVersion[] = [];
    const secrets = {} as Record<AirflowSecretName, SecretManagerSecret>;
    for (const name of SECRET_NAMES) {
      const local = `${this.node.id}_${name}`.replace(/[^a-zA-Z0-9_]/g, "_");
      // Fernet needs 32 url-safe base64 bytes: base64 of 32 alphanumerics (urlsafe_b64decode accepts + and /).
      const fernet = name === "airflow-fernet-key";
      stack.addOverride(`ephemeral.random_password.${local}`, { length: fernet ? 32 : 64, special: false, min_upper: 2, min_lower: 2, min_numeric: 2 });
      const value = `ephemeral.random_password.${local}.result`;
      const secret = new SecretManagerSecret(this, name, {
        project,
        secretId: n.name(name),
        replication: { userManaged: { replicas: [{ location: props.region }] } },
        deletionProtection: !forceDestroy,
        labels: { secret: name },
      });
      secrets[name] = secret;
      versions.push(
        new SecretManagerSecretVersion(this, `${name}-first`, {
          secret: secret.id,
          secretDataWo: fernet ? `\${base64encode(${value})}` : `\${${value}}`,
          // ForceNew (resource_secret_manager_secret_version.go, v6.50.0): bumping it writes a new generated value.
          secretDataWoVersion: props.secretVersion ?? 1,
          deletionPolicy: "ABANDON",
        }),
      );
      grants.push(new SecretManagerSecretIamMember(this, `${name}-reader`, { project, secretId: secret.id, role: "roles/secretmanager.secretAccessor", member }));
    }
    this.secrets = secrets;

    const variables = gcpDagVariables(this, props, resolved.extraVariables);
    this.variables = variables;

    const apiName = cloudRunName(n, "airflow-api");
    this.uiUrl = cloudRunUrl(n, "airflow-api", props.projectNumber, props.region);
    const environment: Record<string, string> = {
      AIRFLOW__CORE__EXECUTOR: "LocalExecutor",
      // LocalExecutor slots: tasks only start and watch jobs, so a few per "worker" of the shared config.
      AIRFLOW__CORE__PARALLELISM: String(resolved.maxWorkers * 8),
      AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      AIRFLOW__CORE__DAGS_FOLDER: DAG_FOLDER,
      AIRFLOW__CORE__AUTH_MANAGER: "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${this.uiUrl}/execution/`,
      AIRFLOW__SCHEDULER__CATCHUP_BY_DEFAULT: "False",
      // The proxy authenticates as the service account (--auto-iam-authn): no password; `@` URL-encoded.
      AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: `postgresql+psycopg2://${dbUser.replace("@", "%40")}@127.0.0.1:5432/${AIRFLOW_DATABASE}?sslmode=disable`,
      GOOGLE_CLOUD_PROJECT: project,
      ...variablesAsEnvironment(variables),
    };
    const env = (extra: Record<string, string> = {}) => [
      ...Object.entries({ ...environment, ...extra }).map(([name, value]) => ({ name, value })),
      ...Object.entries(AIRFLOW_KEY_SECRETS).map(([secret, name]) => ({ name, valueSource: { secretKeyRef: { secret: secrets[secret as AirflowSecretName].id, version: "latest" } } })),
    ];
    const secretRef = (name: AirflowSecretName) => ({ valueSource: { secretKeyRef: { secret: secrets[name].id, version: "latest" } } });
    const proxy = {
      name: "cloud-sql-proxy",
      image: CLOUD_SQL_PROXY_IMAGE,
      args: ["--auto-iam-authn", "--private-ip", "--structured-logs", "--port=5432", props.database.connectionName],
      resources: { limits: { cpu: "1", memory: "512Mi" } },
    };
    const dagSync = {
      name: "dag-sync",
      image: GCLOUD_IMAGE,
      command: ["/bin/sh", "-c"],
      args: [
        // `$DAG_BUCKET`, not `${...}`: Terraform would read the braces as an interpolation.
        `mkdir -p ${DAG_FOLDER} && while true; do gcloud storage rsync --recursive --delete-unmatched-destination-objects "gs://$DAG_BUCKET/dags" ${DAG_FOLDER} || echo "dag-sync: rsync failed" >&2; sleep ${DAG_SYNC_SECONDS}; done`,
      ],
      env: [{ name: "DAG_BUCKET", value: this.dagBucket.name }, { name: "CLOUDSDK_CORE_DISABLE_PROMPTS", value: "1" }],
      resources: { limits: { cpu: "1", memory: "512Mi" } },
      volumeMounts: [{ name: "dags", mountPath: DAG_FOLDER }],
    };
    const vpcAccess = { networkInterfaces: [{ network: props.networkId, subnetwork: props.subnetId }], egress: "ALL_TRAFFIC" };
    const cpu = CPU[resolved.size];
    const limits = (c: AirflowComponent) => {
      const cores = c.cpuMillicores >= 1000 ? cpu : Math.max(1, cpu / 2);
      return { cpu: String(cores), memory: `${cores * 2}Gi` };
    };
    const ref = imageReference(image);
    const labels = { service: "airflow" };
    const dependsOn = [...grants, ...versions, this.sqlUser, this.sqlDatabase];

    const api = AIRFLOW3_COMPONENTS.find((c) => c.name === "api-server")!;
    this.apiServer = new CloudRunV2Service(this, "api-server", {
      name: apiName,
      project,
      location: props.region,
      description: "Airflow API server: UI, REST API and the task execution API",
      ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
      // Components call the execution API with Airflow's JWT, not a Google ID token: the IAM check would refuse them.
      invokerIamDisabled: true,
      deletionProtection: !forceDestroy,
      labels: { ...labels, component: "api-server" },
      template: {
        serviceAccount: this.account.email,
        executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
        labels: { ...labels, component: "api-server" },
        scaling: { minInstanceCount: 1, maxInstanceCount: 2 },
        vpcAccess,
        containers: [
          {
            name: "airflow",
            image: ref,
            args: [...api.args],
            ports: { containerPort: api.port },
            env: env(),
            // Request-based CPU (it only answers requests); the proxy's cpu_idle must match (see modules/gcp/cloud-run.ts).
            resources: { limits: limits(api), cpuIdle: true },
            startupProbe: { httpGet: { path: api.healthPath, port: api.port }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 24 },
            livenessProbe: { httpGet: { path: api.healthPath, port: api.port }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
            dependsOn: [proxy.name],
          },
          { ...proxy, resources: { ...proxy.resources, cpuIdle: true }, args: [...proxy.args, "--health-check", "--http-address=0.0.0.0", "--http-port=9090"], startupProbe: { httpGet: { path: "/startup", port: 9090 }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 1 } },
        ],
      },
      dependsOn,
    });

    const pool = (c: AirflowComponent): CloudRunV2WorkerPool => {
      const containers: CloudRunV2WorkerPoolTemplateContainers[] = [
        {
          name: "airflow",
          image: ref,
          args: [...c.args],
          // The scheduler migrates the metadata database first (the official entrypoint's _AIRFLOW_DB_MIGRATE; idempotent).
          // It creates the first UI user too (no exec into Cloud Run containers): `admin`, password from Secret Manager.
          env: c.name === "scheduler" ? [...env({ _AIRFLOW_DB_MIGRATE: "true", _AIRFLOW_WWW_USER_CREATE: "true", _AIRFLOW_WWW_USER_USERNAME: "admin" }), { name: "_AIRFLOW_WWW_USER_PASSWORD", ...secretRef(ADMIN_PASSWORD_SECRET) }] : env(),
          resources: { limits: limits(c) },
          // Worker pool containers have no probes (v6.50.0): the entrypoint waits for the database itself.
          dependsOn: [proxy.name, ...(c.readsDags ? [dagSync.name] : [])],
          volumeMounts: c.readsDags ? [{ name: "dags", mountPath: DAG_FOLDER }] : undefined,
        },
        proxy,
        ...(c.readsDags ? [dagSync] : []),
      ];
      return new CloudRunV2WorkerPool(this, c.name, {
        name: n.bounded(49, "airflow", c.name),
        project,
        location: props.region,
        deletionProtection: !forceDestroy,
        launchStage: WORKER_POOL_LAUNCH_STAGE,
        labels: { ...labels, component: c.name },
        scaling: { scalingMode: "MANUAL", manualInstanceCount: 1 },
        template: {
          serviceAccount: this.account.email,
          labels: { ...labels, component: c.name },
          vpcAccess,
          containers,
          volumes: c.readsDags ? [{ name: "dags", emptyDir: { medium: "MEMORY", sizeLimit: "256Mi" } }] : undefined,
        },
        dependsOn: [...dependsOn, this.apiServer],
      });
    };
    this.workerPools = Object.fromEntries(AIRFLOW3_COMPONENTS.filter((c) => c.name !== "api-server").map((c) => [c.name, pool(c)])) as Record<WorkerPoolComponent, CloudRunV2WorkerPool>;

    this.dagStore = { kind: "gcs", uri: `gs://${this.dagBucket.name}/dags` };
    this.identity = this.account.email;
    const console = (path: string) => `https://console.cloud.google.com/${path}?project=${project}`;
    this.links = [
      { label: "Airflow UI (internal: from inside the VPC, README)", url: this.uiUrl },
      { label: "Airflow API server service", url: console(`run/detail/${props.region}/${apiName}/metrics`) },
      { label: "Airflow worker pools", url: console("run/workerpools") },
    ];
    this.alerts(props);
  }

  /** Lets the identity that mirrors DAGs (the deploy workflow's) write the DAG bucket's objects. */
  allowDagWriter(id: string, member: string): StorageBucketIamMember {
    return new StorageBucketIamMember(this, id, { bucket: this.dagBucket.name, role: "roles/storage.objectUser", member });
  }

  private alerts(props: SelfHostedAirflowProps): void {
    const n = props.naming;
    const scheduler = this.workerPools.scheduler;
    const common = {
      project: props.projectId,
      combiner: "OR",
      severity: "ERROR",
      notificationChannels: [props.alertChannelId],
      alertStrategy: { autoClose: "86400s" },
      userLabels: { ...(props.labels ?? {}) },
    };
    // Worker pool logs' monitored resource as `gcloud run worker-pools logs` reads them; the type and label
    // name are not in the provider source: confirm them in Logs Explorer after the first deploy.
    const poolLogs = `resource.type="cloud_run_worker_pool" AND resource.labels.worker_pool_name="${scheduler.name}"`;
    // The scheduler logs at least every orphaned-task check (5 minutes): silence for 30 minutes means it is down.
    new MonitoringAlertPolicy(this, "scheduler-silent", {
      ...common,
      displayName: `${n.name()} Airflow scheduler silent`,
      conditions: [
        {
          displayName: "no scheduler log entries for 30 minutes",
          conditionAbsent: {
            filter: `metric.type="logging.googleapis.com/log_entry_count" AND ${poolLogs}`,
            duration: "1800s",
            aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_SUM", crossSeriesReducer: "REDUCE_SUM" }],
          },
        },
      ],
      documentation: { content: `The Airflow scheduler worker pool ${scheduler.name} wrote no log entries for 30 minutes: DAGs are not scheduled. Look at its logs (database login, db migrate).`, mimeType: "text/markdown" },
    });
    // LocalExecutor runs tasks in the scheduler: a failed task instance is logged there.
    new MonitoringAlertPolicy(this, "task-failures", {
      ...common,
      displayName: `${n.name()} Airflow: failed tasks`,
      conditions: [{ displayName: "a task instance failed", conditionMatchedLog: { filter: `${poolLogs} AND textPayload:"Marking task as FAILED"` } }],
      alertStrategy: { autoClose: "86400s", notificationRateLimit: { period: "300s" } },
      documentation: { content: `A task run failed in the self-hosted Airflow (one notification per 5 minutes at most). Open the Airflow UI to see which DAG.`, mimeType: "text/markdown" },
    });
  }
}
