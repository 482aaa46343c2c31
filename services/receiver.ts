import { ServiceSpec } from "./service-spec";

/** Data intake API (the BRAIN seed's receiver): accepts uploads and writes them to the raw bucket. */
export const receiver: ServiceSpec = {
  name: "receiver",
  kind: "service",
  description: "Data intake API writing uploads to the raw bucket",
  defaultImageTag: "0.1.0",
  port: 8080,
  cpuMillicores: 250,
  memoryMiB: 512,
  healthPath: "/health",
  ingress: "public",
  auth: "jwt",
  routes: { prefix: "/receiver" },
  env: { LOG_LEVEL: "info" },
  secrets: [],
  scaling: { min: 1, max: 4, targetCpuPercent: 60 },
  buckets: { raw: "read-write" },
};
