/**
 * The container environment contract: the one list of variables every runtime (ECS Fargate,
 * Container Apps, Cloud Run; services and jobs) sets, and each image's settings read. Each cloud's
 * runtime module gathers its facts, calls `containerEnvironment`, and only maps the result to its own
 * syntax (plain values; secret references by the cloud's reference, never values).
 */
import type { CloudName } from "./cloud-name";
import type { BucketPurpose, ResolvedService } from "./workload-spec";

/** The logical secret a database user's password is read from (`DB_PASSWORD`); each cloud maps it to its reference. */
export const DATABASE_PASSWORD_SECRET = "db-password";

/** Defaults of the receiver's upload limits. */
export const RECEIVER_DEFAULTS = {
  MAX_UPLOAD_BYTES: "104857600",
  ALLOWED_CONTENT_TYPES: "text/csv,application/json,application/x-parquet,application/octet-stream",
} as const;

/** Catalog workloads that talk to MLflow's REST API (they get `MLFLOW_TRACKING_URI`); the model API reads models from the bucket. */
const MLFLOW_CLIENTS = new Set(["train"]);

/**
 * Variables the runtime sets per run, never in the task definition, job or service: the data trigger's
 * container override (AWS EventBridge input transformer, Google's workflow `containerOverrides`). Absent,
 * the transform looks for new objects itself. On Azure the job reads the event from its queue instead.
 */
export const RUNTIME_SET_ENV: Readonly<Record<string, readonly string[]>> = { transform: ["INPUT_BUCKET", "INPUT_KEY"] };

/**
 * The cloud variables a workload does not read, left out of its environment. MLflow's own storage clients read the
 * project (google-cloud-storage) but nothing in the image reads the region.
 */
const CLOUD_ENV_UNREAD: Readonly<Record<string, readonly string[]>> = { mlflow: ["GOOGLE_CLOUD_REGION"] };

/** How a JWT-protected workload verifies its caller itself (defense in depth behind the edge). */
export interface ContainerAuthFacts {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUri: string;
  /** Claim carrying admin rights: AWS `scope`, Azure `roles`, Google `email`. */
  readonly adminClaim: string;
  /** A token is admin when the claim contains any of these. */
  readonly adminValues: readonly string[];
}

/** Where a database user connects. */
export interface ContainerDatabaseFacts {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  /** `require` (AWS, Azure); `disable` behind Google's Cloud SQL proxy, which encrypts. */
  readonly sslMode: "require" | "disable";
  /** `password`: DB_PASSWORD comes from the secret `DATABASE_PASSWORD_SECRET`; `iam`: no password. */
  readonly auth: "password" | "iam";
}

/** What the cloud knows that the contract needs. */
export interface ContainerFacts {
  readonly cloud: CloudName;
  /** Environment name (`dev`). */
  readonly environment: string;
  /** Bucket name (AWS, Google) or blob container name (Azure) by purpose. */
  bucketName(purpose: BucketPurpose): string;
  /** The cloud's own variables: `AWS_REGION`; `AZURE_STORAGE_ACCOUNT_URL`, `AZURE_CLIENT_ID`; `GOOGLE_CLOUD_PROJECT`, `GOOGLE_CLOUD_REGION`. */
  readonly cloudEnv: Readonly<Record<string, string>>;
  /** Required for `auth: "jwt"` workloads. */
  readonly auth?: ContainerAuthFacts;
  /** Required for `usesDatabase` workloads. */
  readonly database?: ContainerDatabaseFacts;
  /** MLflow's internal URL, when MLflow runs in this environment. */
  readonly mlflowTrackingUri?: string;
  /**
   * The Host headers MLflow accepts (`MLFLOW_ALLOWED_HOSTS`): its internal host name, with and without the port
   * clients use. MLflow 3.5+ refuses other Host headers with 403 (DNS-rebinding protection; /health is exempt).
   */
  readonly mlflowAllowedHosts?: readonly string[];
  /** Azure: the queue endpoint a queue-triggered job reads its event from and deletes it after processing. */
  readonly eventQueueUrl?: string;
  /** The train job's id for the cloud's job starter, plus where to start it (AWS: JOB_CLUSTER, JOB_SUBNETS, JOB_SECURITY_GROUPS). */
  readonly trainJob?: { readonly id: string; readonly placement?: Readonly<Record<string, string>> };
}

/** One plain variable. */
export interface ContainerEnvVar {
  readonly name: string;
  readonly value: string;
}

/** A variable whose value the runtime injects from a secret store: `secret` is the logical secret name. */
export interface ContainerSecretRef {
  readonly name: string;
  readonly secret: string;
}

/** What a runtime sets on the container. */
export interface ContainerEnvironment {
  readonly env: readonly ContainerEnvVar[];
  readonly secrets: readonly ContainerSecretRef[];
}

/** `model-api-signing-key` -> `MODEL_API_SIGNING_KEY`; `mlflow-artifacts` -> `MLFLOW_ARTIFACTS`. */
export function envVarName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** Thrown when a cloud leaves out a fact the workload needs. */
export class ContainerContractError extends Error {}

/**
 * The environment of one workload. Contract variables win over the catalog's own `env` (which may
 * only add names); each spec secret becomes `<NAME>` injected by reference.
 */
export function containerEnvironment(spec: ResolvedService, facts: ContainerFacts): ContainerEnvironment {
  const env = new Map<string, string>();
  const set = (name: string, value: string) => env.set(name, value);
  set("PLATFORM_ENVIRONMENT", facts.environment);
  set("PLATFORM_CLOUD", facts.cloud);
  set("SERVICE_NAME", spec.name);
  set("IMAGE_VERSION", spec.image.kind === "digest" ? spec.image.version : spec.image.tag);
  set("LOG_LEVEL", spec.env.LOG_LEVEL ?? "info");
  for (const purpose of Object.keys(spec.buckets) as BucketPurpose[]) set(`BUCKET_${envVarName(purpose)}`, facts.bucketName(purpose));
  const unread = new Set(CLOUD_ENV_UNREAD[spec.name] ?? []);
  for (const [name, value] of Object.entries(facts.cloudEnv)) if (!unread.has(name)) set(name, value);
  if (spec.kind === "service" && spec.port !== undefined) set("PORT", String(spec.port));

  if (spec.auth === "jwt") {
    const a = facts.auth;
    if (!a) throw new ContainerContractError(`${spec.name}: auth "jwt" needs the identity provider's issuer, audience and JWKS URI`);
    set("AUTH_ISSUER", a.issuer);
    set("AUTH_AUDIENCE", a.audience);
    set("AUTH_JWKS_URI", a.jwksUri);
    set("AUTH_ADMIN_PATHS", (spec.routes?.adminPaths ?? []).join(","));
    set("AUTH_ADMIN_CLAIM", a.adminClaim);
    set("AUTH_ADMIN_VALUES", a.adminValues.join(","));
  }

  const secrets: ContainerSecretRef[] = spec.secrets.map((s) => ({ name: envVarName(s), secret: s }));
  if (spec.usesDatabase) {
    const d = facts.database;
    if (!d) throw new ContainerContractError(`${spec.name} uses the database, but no database connection was given`);
    set("DB_HOST", d.host);
    set("DB_PORT", String(d.port));
    set("DB_NAME", d.name);
    set("DB_USER", d.user);
    set("DB_SSLMODE", d.sslMode);
    set("DB_AUTH", d.auth);
    if (d.auth === "password") secrets.push({ name: "DB_PASSWORD", secret: DATABASE_PASSWORD_SECRET });
  }

  if (MLFLOW_CLIENTS.has(spec.name)) {
    if (!facts.mlflowTrackingUri) throw new ContainerContractError(`${spec.name} tracks its runs in MLflow, but no MLflow URL was given (is mlflow enabled?)`);
    set("MLFLOW_TRACKING_URI", facts.mlflowTrackingUri);
  }
  if (spec.name === "mlflow") {
    if (!facts.mlflowAllowedHosts?.length) throw new ContainerContractError("mlflow: the Host headers it accepts (its internal host name) were not given");
    set("MLFLOW_ALLOWED_HOSTS", facts.mlflowAllowedHosts.join(","));
  }
  if (spec.trigger && facts.cloud === "azure") {
    if (!facts.eventQueueUrl) throw new ContainerContractError(`${spec.name}: a queue-triggered job on Azure needs its event queue's URL`);
    set("EVENT_QUEUE_URL", facts.eventQueueUrl);
  }
  if (spec.name === "model-api") {
    set("MODEL_NAME", spec.env.MODEL_NAME ?? spec.name);
    set("MODEL_VERSION", spec.image.kind === "digest" ? spec.image.version : "none");
    if (!facts.trainJob) throw new ContainerContractError("model-api starts the train job on retrain, but no train job was given (is train enabled?)");
    {
      set("TRAIN_JOB", facts.trainJob.id);
      for (const [name, value] of Object.entries(facts.trainJob.placement ?? {})) set(name, value);
    }
  }
  if (spec.name === "receiver") {
    for (const [name, value] of Object.entries(RECEIVER_DEFAULTS)) set(name, spec.env[name] ?? value);
  }
  if (spec.name === "train") set("MODEL_NAME", spec.env.MODEL_NAME ?? "model-api");

  // The catalog's own settings add names; they never replace a contract variable.
  for (const [name, value] of Object.entries(spec.env)) if (!env.has(name)) set(name, value);
  const names = new Set(env.keys());
  for (const s of secrets) {
    if (names.has(s.name)) throw new ContainerContractError(`${spec.name}: secret ${s.secret} would overwrite the variable ${s.name}`);
  }
  return { env: [...env].map(([name, value]) => ({ name, value })), secrets };
}
