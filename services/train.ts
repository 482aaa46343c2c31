import { ServiceSpec } from "./service-spec";

/**
 * The training job (the seeds' Brain Model): fits a small model on the processed data, tracks it in MLflow,
 * and writes `metrics/<model>.json` (plus the model file it names) into the MLflow artifact bucket; a training
 * run becomes a model only as a manifest through the promoter's metric gate. Started by the model API's
 * `POST /model/retrain` (and by Airflow). Image: images/train.
 * No trigger: every stack builds its registry, job and identity, and the model API gets its id (TRAIN_JOB).
 */
export const train: ServiceSpec = {
  name: "train",
  kind: "job",
  description: "Trains the model on processed data, tracks the run in MLflow, writes metrics for the promoter",
  defaultImageTag: "0.1.0",
  cpuMillicores: 1000,
  memoryMiB: 2048,
  ingress: "internal",
  auth: "none",
  env: { MODEL_NAME: "model-api" },
  secrets: [],
  scaling: { min: 0, max: 1, targetCpuPercent: 100 },
  buckets: { processed: "read", "mlflow-artifacts": "read-write" },
};
