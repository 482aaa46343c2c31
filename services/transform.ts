import { ServiceSpec } from "./service-spec";

/** The seeds' watch-folder transform, as a job: started when raw data arrives, writes processed and viz data. */
export const transform: ServiceSpec = {
  name: "transform",
  kind: "job",
  description: "Transforms newly arrived raw data into processed and visualisation-ready data",
  defaultImageTag: "0.1.0",
  cpuMillicores: 1000,
  memoryMiB: 2048,
  ingress: "internal",
  auth: "none",
  env: {},
  secrets: [],
  scaling: { min: 0, max: 1, targetCpuPercent: 100 },
  buckets: { raw: "read", processed: "read-write", viz: "read-write" },
  // The receiver writes raw/incoming/<date>/<id> into the raw bucket (images/receiver).
  trigger: { bucket: "raw", prefix: "raw/incoming/" },
};
