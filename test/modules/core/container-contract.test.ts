import { ContainerFacts, containerEnvironment, envVarName } from "../../../modules/core/container-contract";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";

const spec = (name: string, over: Partial<ResolvedService> = {}): ResolvedService => ({
  ...SERVICE_CATALOG.find((s) => s.name === name)!,
  image: { kind: "tag", tag: "t1" },
  ...over,
});
const facts = (over: Partial<ContainerFacts> = {}): ContainerFacts => ({
  cloud: "aws",
  environment: "dev",
  bucketName: (p) => `mlops-dev-${p}`,
  cloudEnv: { AWS_REGION: "eu-central-1" },
  auth: { issuer: "https://issuer", audience: "client-1", jwksUri: "https://issuer/jwks", adminClaim: "scope", adminValues: ["mlops/admin"] },
  database: { host: "db.internal", port: 5432, name: "mlflow", user: "mlflow", sslMode: "require", auth: "password" },
  mlflowTrackingUri: "http://mlflow.internal:5000",
  mlflowAllowedHosts: ["mlflow.internal", "mlflow.internal:5000"],
  trainJob: { id: "mlops-dev-train", placement: { JOB_CLUSTER: "mlops-dev", JOB_SUBNETS: "subnet-a,subnet-b", JOB_SECURITY_GROUPS: "sg-train" } },
  ...over,
});
const envOf = (s: ResolvedService, f: ContainerFacts = facts()) => Object.fromEntries(containerEnvironment(s, f).env.map((e) => [e.name, e.value]));

describe("container environment contract", () => {
  test("GIVEN any workload THEN it gets the platform, service, image and bucket variables the images read", () => {
    expect(envOf(spec("transform"))).toMatchObject({
      PLATFORM_ENVIRONMENT: "dev",
      PLATFORM_CLOUD: "aws",
      SERVICE_NAME: "transform",
      IMAGE_VERSION: "t1",
      LOG_LEVEL: "info",
      BUCKET_RAW: "mlops-dev-raw",
      BUCKET_PROCESSED: "mlops-dev-processed",
      BUCKET_VIZ: "mlops-dev-viz",
      AWS_REGION: "eu-central-1",
    });
    expect(envOf(spec("transform"))).not.toHaveProperty("PORT");
  });

  test("GIVEN a JWT service with admin paths THEN issuer, audience, JWKS and the admin claim and values are set", () => {
    expect(envOf(spec("model-api"))).toMatchObject({
      PORT: "8000",
      AUTH_ISSUER: "https://issuer",
      AUTH_AUDIENCE: "client-1",
      AUTH_JWKS_URI: "https://issuer/jwks",
      AUTH_ADMIN_PATHS: "/retrain,/reload",
      AUTH_ADMIN_CLAIM: "scope",
      AUTH_ADMIN_VALUES: "mlops/admin",
      MODEL_NAME: "model-api",
      MODEL_VERSION: "none",
      TRAIN_JOB: "mlops-dev-train",
      JOB_CLUSTER: "mlops-dev",
      JOB_SUBNETS: "subnet-a,subnet-b",
      JOB_SECURITY_GROUPS: "sg-train",
    });
    // It reads models from the artifact bucket, not through MLflow, and verifies tokens with the issuer's JWKS.
    expect(envOf(spec("model-api"))).not.toHaveProperty("MLFLOW_TRACKING_URI");
    expect(envOf(spec("model-api"))).not.toHaveProperty("BUCKET_PROCESSED");
    expect(containerEnvironment(spec("model-api"), facts()).secrets).toEqual([]);
  });

  test("GIVEN the train job THEN it tracks runs in MLflow and reads processed data", () => {
    expect(envOf(spec("train"))).toMatchObject({ MLFLOW_TRACKING_URI: "http://mlflow.internal:5000", MODEL_NAME: "model-api", BUCKET_PROCESSED: "mlops-dev-processed", BUCKET_MLFLOW_ARTIFACTS: "mlops-dev-mlflow-artifacts" });
    expect(envOf(spec("train"))).not.toHaveProperty("PORT");
  });

  test("GIVEN MLflow THEN it accepts only its internal host names, and on Google it gets no region nobody reads", () => {
    expect(envOf(spec("mlflow")).MLFLOW_ALLOWED_HOSTS).toBe("mlflow.internal,mlflow.internal:5000");
    const gcp = facts({ cloud: "gcp", cloudEnv: { GOOGLE_CLOUD_PROJECT: "p", GOOGLE_CLOUD_REGION: "europe-west3" }, database: { host: "127.0.0.1", port: 5432, name: "mlflow", user: "sa@p.iam", sslMode: "disable", auth: "iam" } });
    expect(envOf(spec("mlflow"), gcp)).toMatchObject({ GOOGLE_CLOUD_PROJECT: "p" });
    expect(envOf(spec("mlflow"), gcp)).not.toHaveProperty("GOOGLE_CLOUD_REGION");
    expect(envOf(spec("train"), gcp)).toMatchObject({ GOOGLE_CLOUD_REGION: "europe-west3" });
  });

  test("GIVEN the transform THEN the per-run names are the trigger's, and on Azure it gets its event queue", () => {
    expect(envOf(spec("transform"))).not.toHaveProperty("INPUT_KEY");
    expect(envOf(spec("transform"))).not.toHaveProperty("EVENT_QUEUE_URL");
    expect(envOf(spec("transform"))).not.toHaveProperty("OUTPUT_PROCESSED");
    const azure = facts({ cloud: "azure", cloudEnv: { AZURE_STORAGE_ACCOUNT_URL: "https://a.blob.core.windows.net/" }, eventQueueUrl: "https://q.queue.core.windows.net/transform-events" });
    expect(envOf(spec("transform"), azure).EVENT_QUEUE_URL).toBe("https://q.queue.core.windows.net/transform-events");
  });

  test("GIVEN a promoted digest THEN IMAGE_VERSION and MODEL_VERSION are the manifest's version", () => {
    const promoted = spec("model-api", { image: { kind: "digest", digest: "sha256:abc", version: "2.3.0", source: "m.json" } });
    expect(envOf(promoted)).toMatchObject({ IMAGE_VERSION: "2.3.0", MODEL_VERSION: "2.3.0" });
  });

  test("GIVEN a database user with password auth THEN connection variables are plain and DB_PASSWORD is a secret reference", () => {
    const c = containerEnvironment(spec("mlflow"), facts());
    expect(Object.fromEntries(c.env.map((e) => [e.name, e.value]))).toMatchObject({ DB_HOST: "db.internal", DB_PORT: "5432", DB_NAME: "mlflow", DB_USER: "mlflow", DB_SSLMODE: "require", DB_AUTH: "password" });
    expect(c.secrets).toEqual([{ name: "DB_PASSWORD", secret: "db-password" }]);
    expect(c.env.map((e) => e.name)).not.toContain("DB_PASSWORD");
  });

  test("GIVEN IAM database auth (Google) THEN no password secret at all", () => {
    const c = containerEnvironment(spec("mlflow"), facts({ cloud: "gcp", database: { host: "127.0.0.1", port: 5432, name: "mlflow", user: "sa@p.iam", sslMode: "disable", auth: "iam" } }));
    expect(c.secrets).toEqual([]);
  });

  test("GIVEN the spec's own secrets THEN each is injected by reference under its env name, never as a value", () => {
    const c = containerEnvironment(spec("receiver", { secrets: ["model-api-signing-key"] }), facts());
    expect(c.secrets).toEqual([{ name: "MODEL_API_SIGNING_KEY", secret: "model-api-signing-key" }]);
    expect(envVarName("mlflow-artifacts")).toBe("MLFLOW_ARTIFACTS");
  });

  test("GIVEN the receiver THEN its upload limits default as the contract says", () => {
    expect(envOf(spec("receiver"))).toMatchObject({ MAX_UPLOAD_BYTES: "104857600", ALLOWED_CONTENT_TYPES: "text/csv,application/json,application/x-parquet,application/octet-stream" });
  });

  test("GIVEN a catalog env that names a contract variable THEN the contract value wins", () => {
    expect(envOf(spec("transform", { env: { PLATFORM_CLOUD: "mars" } })).PLATFORM_CLOUD).toBe("aws");
  });

  test.each([
    ["a JWT service without auth facts", spec("model-api"), facts({ auth: undefined }), /model-api: auth "jwt" needs the identity provider's issuer/],
    ["a database user without a database", spec("mlflow"), facts({ database: undefined }), /mlflow uses the database, but no database connection was given/],
    ["MLflow without its host names", spec("mlflow"), facts({ mlflowAllowedHosts: undefined }), /mlflow: the Host headers it accepts/],
    ["the model API without the train job", spec("model-api"), facts({ trainJob: undefined }), /model-api starts the train job on retrain, but no train job was given/],
    ["the train job without MLflow", spec("train"), facts({ mlflowTrackingUri: undefined }), /train tracks its runs in MLflow, but no MLflow URL was given/],
    ["the Azure transform without its queue", spec("transform"), facts({ cloud: "azure" }), /transform: a queue-triggered job on Azure needs its event queue's URL/],
  ])("GIVEN %s THEN a clear error", (_label, s, f, message) => {
    expect(() => containerEnvironment(s, f)).toThrow(message);
  });
});
