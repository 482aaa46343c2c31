import { ServiceSpec } from "./service-spec";

/**
 * MLflow tracking server: runs and metrics in PostgreSQL, artifacts in object storage; inside the network only.
 * The image (images/mlflow) is the official MLflow 3.17 `-full` image plus an entrypoint that builds the backend
 * store URI from DB_* and serves artifacts from BUCKET_MLFLOW_ARTIFACTS (always `--serve-artifacts`).
 * Its tag is images/mlflow/RELEASE, which images.yml pushes once beside the per-run tag.
 */
export const mlflow: ServiceSpec = {
  name: "mlflow",
  kind: "service",
  description: "MLflow tracking server (backend store PostgreSQL, artifacts in object storage)",
  defaultImageTag: "v3.17.0-1",
  port: 5000,
  cpuMillicores: 500,
  memoryMiB: 1024,
  healthPath: "/health",
  ingress: "internal",
  auth: "none",
  env: {},
  secrets: [],
  scaling: { min: 1, max: 2, targetCpuPercent: 70 },
  buckets: { "mlflow-artifacts": "read-write" },
  usesDatabase: true,
};
