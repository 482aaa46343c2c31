import { ServiceSpec } from "./service-spec";

/** MLflow tracking server: runs and metrics in PostgreSQL, artifacts in object storage; inside the network only. */
export const mlflow: ServiceSpec = {
  name: "mlflow",
  kind: "service",
  description: "MLflow tracking server (backend store PostgreSQL, artifacts in object storage)",
  defaultImageTag: "v2.22.0",
  port: 5000,
  cpuMillicores: 500,
  memoryMiB: 1024,
  healthPath: "/health",
  ingress: "internal",
  auth: "none",
  env: { MLFLOW_SERVE_ARTIFACTS: "true" },
  secrets: [],
  scaling: { min: 1, max: 2, targetCpuPercent: 70 },
  buckets: { "mlflow-artifacts": "read-write" },
  usesDatabase: true,
};
