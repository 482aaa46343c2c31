/**
 * The cloud-neutral face of Airflow: what every cloud's Airflow construct takes and exposes, the
 * Airflow Variables a stack hands to the DAGs (one DAG file runs on every cloud by reading
 * platform identifiers only from Variables), and a runtime-neutral description of the self-hosted
 * components (the official image's processes), which each cloud's `self-hosted-airflow.ts` runs on
 * its container runtime (ECS Fargate, Container Apps, Cloud Run), and the defaults and checks every
 * cloud's construct shares.
 *
 * It imports nothing above `modules/core/`.
 */
import { ConsoleLink } from "./contracts";
import { ExtraOutput } from "./outputs";

/** Managed service (MWAA, Cloud Composer) or the official image run on the platform's container runtime. */
export const AIRFLOW_MODES = ["managed", "self-hosted"] as const;
export type AirflowMode = (typeof AIRFLOW_MODES)[number];

/** How big an Airflow is, in one vocabulary; each cloud maps it to its own sizes. */
export const AIRFLOW_SIZES = ["small", "medium", "large"] as const;
export type AirflowSize = (typeof AIRFLOW_SIZES)[number];

/** Where the DAG mirror writes an environment's DAG set (`deployments/<env>/dags/`), per cloud. */
export type DagStore =
  /** `aws s3 sync --delete <dags> s3://<bucket>/<prefix>` */
  | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string }
  /** `gcloud storage rsync --recursive --delete-unmatched-destination-objects <dags> <uri>`; uri is `gs://<bucket>/dags` */
  | { readonly kind: "gcs"; readonly uri: string }
  /** `az storage blob sync` / `azcopy sync --delete-destination=true` into the container, under `prefix` */
  | { readonly kind: "azure-blob"; readonly accountName: string; readonly container: string; readonly prefix: string };

/** What an Airflow exposes to the stack, the synth summary and the deploy workflow. */
export interface PlatformAirflow {
  readonly mode: AirflowMode;
  /** Where the DAG mirror writes (the stack turns it into `dag_store_*` outputs). */
  readonly dagStore: DagStore;
  /** The Airflow UI. May be a Terraform expression (known after apply). */
  readonly uiUrl: string;
  /** Console links for the synth summary and `console_airflow*` outputs; the first is the UI. */
  readonly links: readonly ConsoleLink[];
  /** The identity tasks run as: role ARN, service account e-mail, managed identity principal id. */
  readonly identity: string;
  /** The Variables set for the DAGs, by name (without the `AIRFLOW_VAR_` prefix). */
  readonly variables: Readonly<Record<string, string>>;
}

/** The metadata database and its login: `airflow` on every cloud. */
export const AIRFLOW_DATABASE = "airflow";
export const AIRFLOW_DATABASE_ROLE = "airflow";

/**
 * The keys every self-hosted Airflow generates into its cloud's secret store, by secret name, with
 * the setting each fills (the official image reads them from the environment).
 */
export const AIRFLOW_KEY_SECRETS = {
  "airflow-fernet-key": "AIRFLOW__CORE__FERNET_KEY",
  "airflow-jwt-secret": "AIRFLOW__API_AUTH__JWT_SECRET",
  "airflow-api-secret-key": "AIRFLOW__API__SECRET_KEY",
} as const;

/**
 * The secrets of a self-hosted Airflow that logs in to its database with a password (AWS, Azure; on
 * Google it logs in as its IAM user): the password itself, for the day-0 login only, the connection
 * URL that holds it, and the keys, in the order they are created.
 */
export const AIRFLOW_PASSWORD_LOGIN_SECRETS = ["airflow-db-password", "airflow-db-conn", ...(Object.keys(AIRFLOW_KEY_SECRETS) as (keyof typeof AIRFLOW_KEY_SECRETS)[])] as const;
export type AirflowPasswordLoginSecret = (typeof AIRFLOW_PASSWORD_LOGIN_SECRETS)[number];

/** Which of those secrets each Airflow setting reads, where the login is a password. */
export const AIRFLOW_PASSWORD_LOGIN_SECRET_ENV: Readonly<Record<string, AirflowPasswordLoginSecret>> = {
  AIRFLOW__DATABASE__SQL_ALCHEMY_CONN: "airflow-db-conn",
  ...Object.fromEntries(Object.entries(AIRFLOW_KEY_SECRETS).map(([secret, setting]) => [setting, secret as AirflowPasswordLoginSecret])),
};

/** The two jobs the seeds' DAGs start, as each cloud names them. */
export interface AirflowJobs {
  /** Runs when new raw data arrives (the transform DAG). */
  readonly transform: string;
  /**
   * Runs when the data changed (the model-check DAG). Absent while the catalog has no train job: the
   * construct then sets no `mlops_train_job`, grants nothing for it, and the model-check DAG's train
   * task fails naming the missing Variable.
   */
  readonly train?: string;
}

/** What every cloud's Airflow construct takes, whatever the cloud. */
export interface AirflowCommonProps {
  /** Size in the shared vocabulary. @default "small" */
  readonly size?: AirflowSize;
  /** Lower bound of workers (managed: the service's autoscaler; self-hosted: scheduler replicas stay 1). @default 1 */
  readonly minWorkers?: number;
  /** Upper bound of workers. @default 2 */
  readonly maxWorkers?: number;
  /** Variables beyond the platform's own, by name. Names: lowercase letters, digits, underscores. @default {} */
  readonly extraVariables?: Readonly<Record<string, string>>;
}

/**
 * The Airflow Variables the DAGs read, per cloud: the one list of names shared by the stacks and
 * `dags/mlops_platform/variables.py` (its table is compared with this one in
 * test/modules/core/airflow-variables.test.ts). Every construct sets exactly these, plus the
 * environment's extra Variables (which may not use the `mlops_` prefix).
 */
export const DAG_VARIABLES = {
  common: ["mlops_cloud", "mlops_transform_job", "mlops_train_job", "mlops_processed_bucket", "mlops_viz_bucket"],
  aws: ["mlops_aws_region", "mlops_ecs_cluster", "mlops_ecs_subnets", "mlops_ecs_security_groups"],
  gcp: ["mlops_gcp_project", "mlops_gcp_region"],
  azure: ["mlops_azure_subscription_id", "mlops_azure_resource_group", "mlops_azure_storage_account", "mlops_azure_client_id"],
} as const;

/** Which cloud an Airflow runs on, as the DAGs name it (`mlops_cloud`). */
export type AirflowCloud = "aws" | "azure" | "gcp";

/** The names of the Variables the DAGs read on `cloud`. */
export type DagVariableName<C extends AirflowCloud> = (typeof DAG_VARIABLES)["common" | C][number];

/** The Variable values a construct on `cloud` sets; `mlops_train_job` is absent while there is no train job. */
export type DagVariables<C extends AirflowCloud> = Omit<Record<DagVariableName<C>, string>, "mlops_train_job"> & { readonly mlops_train_job?: string };

/** Every Variable name the DAGs read on `cloud`, in table order. */
export function dagVariableNames(cloud: AirflowCloud): string[] {
  return [...DAG_VARIABLES.common, ...DAG_VARIABLES[cloud]];
}

/**
 * The platform's Variables and the environment's extra ones, as one map. The platform's win: an
 * extra Variable may not reuse the reserved `mlops_` prefix (variableNameProblems says so first).
 */
export function airflowVariables<C extends AirflowCloud>(platform: DagVariables<C>, extra: Readonly<Record<string, string>> = {}): Readonly<Record<string, string>> {
  const defined = Object.fromEntries(Object.entries(platform).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return { ...extra, ...defined };
}

const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** The platform's Variables all start with it (DAG_VARIABLES); extra Variables may not. */
export const RESERVED_PREFIX = "mlops_";

/** Checks Variable names; returns one message per bad name (empty when all are fine). */
export function variableNameProblems(variables: Readonly<Record<string, string>>): string[] {
  return Object.keys(variables).flatMap((k) => {
    if (!VARIABLE_NAME.test(k)) return [`Airflow Variable name ${JSON.stringify(k)} must be 1-64 lowercase letters, digits or underscores, starting with a letter`];
    if (k.startsWith(RESERVED_PREFIX)) return [`Airflow Variable name ${JSON.stringify(k)} uses the prefix ${JSON.stringify(RESERVED_PREFIX)}, which is reserved for the platform's own Variables`];
    return [];
  });
}

/** `{ transform_job: "x" }` -> `{ AIRFLOW_VAR_TRANSFORM_JOB: "x" }`: Airflow reads Variables from these environment variables. */
export function variablesAsEnvironment(variables: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [`AIRFLOW_VAR_${k.toUpperCase()}`, v]));
}

/** AirflowCommonProps with the defaults every cloud applies. */
export interface ResolvedAirflowCommon {
  readonly size: AirflowSize;
  readonly minWorkers: number;
  readonly maxWorkers: number;
  readonly extraVariables: Readonly<Record<string, string>>;
}

/**
 * Applies the shared defaults (`small`, 1..2 workers, no extra Variables) and collects the shared
 * problems (worker bounds, Variable names) followed by the caller's own; the caller throws one
 * ValidationError listing them all when the list is not empty.
 */
export function resolveAirflowCommon(props: AirflowCommonProps, own: readonly (string | undefined)[] = []): { readonly resolved: ResolvedAirflowCommon; readonly problems: string[] } {
  const resolved: ResolvedAirflowCommon = {
    size: props.size ?? "small",
    minWorkers: props.minWorkers ?? 1,
    maxWorkers: props.maxWorkers ?? 2,
    extraVariables: props.extraVariables ?? {},
  };
  const problems = [workerBoundsProblem(resolved.minWorkers, resolved.maxWorkers), ...variableNameProblems(resolved.extraVariables), ...own].filter((p): p is string => !!p);
  return { resolved, problems };
}

/** The warning every cloud's construct adds while the catalog has no train job. */
export const NO_TRAIN_JOB_WARNING = "no train job in the catalog: Airflow starts only the transform job; the model-check DAG's train task fails until a train job exists";

/** Checks an image digest (`sha256:<64 hex>`); returns a message or undefined. */
export function imageDigestProblem(image: AirflowImage): string | undefined {
  return /^sha256:[0-9a-f]{64}$/.test(image.digest) ? undefined : `image.digest must be sha256:<64 hex>; got ${JSON.stringify(image.digest)}`;
}

/** Checks the worker bounds; returns a message or undefined. */
export function workerBoundsProblem(min: number, max: number): string | undefined {
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max < min || max > 25) {
    return `workers must satisfy 1 <= minWorkers <= maxWorkers <= 25 (integers); got ${min}..${max}`;
  }
  return undefined;
}

/** One long-running process of a self-hosted Airflow (the official image's sub-commands). */
export interface AirflowComponent {
  readonly name: "api-server" | "scheduler" | "dag-processor" | "triggerer";
  /** Arguments to the image's entrypoint. */
  readonly args: readonly string[];
  /** Whether it reads DAG files from disk (gets the DAG sync). */
  readonly readsDags: boolean;
  /** Port it serves on, if any (the UI and API). */
  readonly port?: number;
  /** HTTP path that answers 200 when healthy. */
  readonly healthPath?: string;
  /** Port of the built-in health server, for components without a web port. */
  readonly healthPort?: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

/**
 * The Airflow 3 processes, as any container runtime runs them: the API server (UI, REST API and the
 * task execution API), the scheduler (LocalExecutor: tasks run inside it and only start and watch
 * the platform's jobs, so it needs no workers), the DAG processor (parses DAG files) and the
 * triggerer (deferred tasks). The scheduler runs tasks from DAG files, so it reads DAGs too.
 * Scheduler and triggerer answer `/health` on port 8974 when `[scheduler] enable_health_check` /
 * `[triggerer] enable_health_check` are on (the environment sets them).
 */
export const AIRFLOW3_COMPONENTS: readonly AirflowComponent[] = [
  { name: "api-server", args: ["api-server"], readsDags: false, port: 8080, healthPath: "/api/v2/monitor/health", cpuMillicores: 1000, memoryMiB: 2048 },
  { name: "scheduler", args: ["scheduler"], readsDags: true, healthPath: "/health", healthPort: 8974, cpuMillicores: 1000, memoryMiB: 2048 },
  { name: "dag-processor", args: ["dag-processor"], readsDags: true, cpuMillicores: 500, memoryMiB: 1024 },
  { name: "triggerer", args: ["triggerer"], readsDags: false, cpuMillicores: 500, memoryMiB: 1024 },
];

/** The official image, pinned by version and digest (a digest is immutable; the tag only documents it). */
export interface AirflowImage {
  readonly repository: string;
  readonly version: string;
  readonly digest: string;
}

/**
 * apache/airflow 3.1.5 (Python 3.12). The digest was taken from a public Dockerfile that pins this
 * release, not from Docker Hub itself: confirm it with `docker buildx imagetools inspect
 * apache/airflow:3.1.5` before the first deploy, and bump both fields together.
 */
export const AIRFLOW_IMAGE: AirflowImage = {
  repository: "docker.io/apache/airflow",
  version: "3.1.5",
  digest: "sha256:129e6538bbf7e786dce6a8475422aef8c51914cff2011fb8ea3db5433142fa76",
};

/** `docker.io/apache/airflow:3.1.5@sha256:...` */
export function imageReference(image: AirflowImage): string {
  return `${image.repository}:${image.version}@${image.digest}`;
}

/**
 * The DAG store as one URI the mirror script takes: `s3://<bucket>/dags/`, `gs://<bucket>/dags`
 * (Composer's prefix, no trailing slash), `https://<account>.blob.core.windows.net/<container>/dags/`.
 */
export function dagStoreUri(store: DagStore): string {
  switch (store.kind) {
    case "s3":
      return `s3://${store.bucket}/${store.prefix}`;
    case "gcs":
      return store.uri;
    case "azure-blob":
      return `https://${store.accountName}.blob.core.windows.net/${store.container}/${store.prefix}`;
  }
}

/**
 * The stack outputs of an Airflow, in the shared vocabulary (`console_<what>`): the UI as
 * `console_airflow`, further links as `console_airflow_<n>`, the DAG store for the deploy
 * workflow's mirror step, and the identity tasks run as.
 */
export function airflowOutputs(airflow: PlatformAirflow): Record<string, string> {
  const [ui, ...more] = airflow.links;
  return {
    console_airflow: ui?.url ?? airflow.uiUrl,
    ...Object.fromEntries(more.map((l, i) => [`console_airflow_${i + 2}`, l.url])),
    airflow_dag_store: dagStoreUri(airflow.dagStore),
    airflow_identity: airflow.identity,
  };
}

/** Which Airflow a stack builds on a cloud, and why when it cannot. */
export type AirflowPlan =
  | { readonly build: "mwaa" | "composer" | "ecs-fargate" | "container-apps" | "cloud-run" }
  | { readonly build: "none"; readonly reason: string };

/**
 * The one switch: `managed` builds the cloud's service (MWAA, Composer); `self-hosted` runs
 * AIRFLOW3_COMPONENTS on the cloud's container runtime (ECS Fargate, Cloud Run). Azure has no
 * managed Airflow, so it always builds the self-hosted one on Container Apps.
 */
export function planAirflow(cloud: AirflowCloud, mode: AirflowMode): AirflowPlan {
  if (cloud === "azure") return { build: "container-apps" };
  if (mode === "managed") return { build: cloud === "aws" ? "mwaa" : "composer" };
  return { build: cloud === "aws" ? "ecs-fargate" : "cloud-run" };
}

/** What each `airflowOutputs()` key holds, for the output descriptions. */
const OUTPUT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  console_airflow: "Airflow UI",
  airflow_dag_store: "Where the deploy workflow mirrors deployments/<env>/dags/ (scripts/mirror-dags.ts)",
  airflow_identity: "Identity Airflow's tasks run as",
};

/** `airflowOutputs()` as extra outputs of the stack's one output helper (`platformOutputs`). */
export function airflowExtraOutputs(airflow: PlatformAirflow | undefined): ExtraOutput[] {
  if (!airflow) return [];
  return Object.entries(airflowOutputs(airflow)).map(([key, value]) => ({ key, value, description: OUTPUT_DESCRIPTIONS[key] ?? `Airflow: ${airflow.links.find((l) => l.url === value)?.label ?? key}` }));
}
