import { ServiceSpec } from "./service-spec";

/** The served model. Everyone signed in may predict; only the `admins` group may retrain (the seeds' roles). */
export const modelApi: ServiceSpec = {
  name: "model-api",
  kind: "service",
  description: "Model serving API; image pinned by the promoted model manifest",
  defaultImageTag: "latest-release",
  port: 8000,
  cpuMillicores: 1000,
  memoryMiB: 2048,
  healthPath: "/health",
  ingress: "public",
  auth: "jwt",
  routes: { prefix: "/model", adminPaths: ["/retrain", "/reload"] },
  env: { MODEL_NAME: "model-api" },
  secrets: ["model-api-signing-key"],
  scaling: { min: 1, max: 6, targetCpuPercent: 60 },
  buckets: { processed: "read", "mlflow-artifacts": "read" },
};
