import { ServiceSpec } from "./service-spec";

/** The served model. Everyone signed in may predict; only the `admins` group may retrain (the seeds' roles). */
export const modelApi: ServiceSpec = {
  name: "model-api",
  kind: "service",
  description: "Model serving API; image pinned by the promoted model manifest",
  defaultImageTag: "0.1.0",
  port: 8000,
  cpuMillicores: 1000,
  memoryMiB: 2048,
  healthPath: "/health",
  ingress: "public",
  auth: "jwt",
  routes: { prefix: "/model", adminPaths: ["/retrain", "/reload"] },
  env: { MODEL_NAME: "model-api" },
  // It verifies callers' tokens against the identity provider's JWKS: no key of its own.
  secrets: [],
  scaling: { min: 1, max: 6, targetCpuPercent: 60 },
  // Models are read from the artifact bucket (models/<name>/<version>/model.json); processed data is train's.
  buckets: { "mlflow-artifacts": "read" },
};
