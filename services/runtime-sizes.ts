/**
 * The CPU/memory sizes and instance bounds each runtime accepts, so an environment that asks for
 * one a runtime refuses stops at config load (with the allowed values) instead of at apply.
 * Each table mirrors what the cloud or its provider enforces and how our constructs map a size.
 */
import type { CloudName } from "../environments/schema";

/**
 * Fargate task sizes (AWS, "Task CPU and memory" in the ECS developer guide; an invalid pair fails
 * RegisterTaskDefinition with "No Fargate configuration exists for given values"). The ECS construct
 * passes memoryMiB verbatim and maps millicores to CPU units (250 -> 256).
 */
const FARGATE_MEMORY_MIB: Record<number, { readonly from: number; readonly to: number; readonly step: number; readonly only?: readonly number[] }> = {
  250: { from: 512, to: 2048, step: 512, only: [512, 1024, 2048] },
  500: { from: 1024, to: 4096, step: 1024 },
  1000: { from: 2048, to: 8192, step: 1024 },
  2000: { from: 4096, to: 16384, step: 1024 },
  4000: { from: 8192, to: 30720, step: 1024 },
};

/** Container Apps consumption: at most 4 vCPU with 8 GiB per app, CPU:memory at 1:2 in 0.25 vCPU steps. */
const CONTAINER_APPS_MAX_VCPU = 4;
/** Container Apps replica bounds (azurerm v4.55.0 internal/services/containerapps/helpers/container_apps.go: min_replicas IntBetween(0, 300), max_replicas IntBetween(1, 300)). */
export const CONTAINER_APPS_MAX_REPLICAS = 300;
/** Cloud Run: at most 32 GiB; 4 vCPU needs at least 2 GiB, 6 and 8 vCPU at least 4 GiB (Cloud Run "memory limits" docs). */
const CLOUD_RUN_MAX_MEMORY_MIB = 32 * 1024;

/** Why `runtime` refuses a workload of `cpuMillicores`/`memoryMiB`, as the "expected" clause; undefined when it runs it. */
export function sizeRefusal(cloud: CloudName, cpuMillicores: number, memoryMiB: number): string | undefined {
  switch (cloud) {
    case "aws": {
      const t = FARGATE_MEMORY_MIB[cpuMillicores];
      if (!t) return `a Fargate CPU size (aws is deployed): ${Object.keys(FARGATE_MEMORY_MIB).join(", ")} millicores`;
      const ok = t.only ? t.only.includes(memoryMiB) : memoryMiB >= t.from && memoryMiB <= t.to && memoryMiB % t.step === 0;
      if (ok) return undefined;
      const allowed = t.only ? `${t.only.slice(0, -1).join(", ")} or ${t.only[t.only.length - 1]} MiB` : `${t.from} to ${t.to} MiB in steps of ${t.step}`;
      return `a size Fargate runs (aws is deployed): ${allowed} for ${cpuMillicores} millicores`;
    }
    case "azure": {
      // modules/azure/private/workload.ts containerAppsSize: the larger of the CPU and half the memory, in 0.25 steps.
      const vcpu = Math.ceil(Math.max(cpuMillicores / 1000, memoryMiB / 2048) * 4) / 4;
      if (vcpu <= CONTAINER_APPS_MAX_VCPU) return undefined;
      return `a size Container Apps consumption runs (azure is deployed): at most ${CONTAINER_APPS_MAX_VCPU * 1000} millicores and ${CONTAINER_APPS_MAX_VCPU * 2048} MiB (pairs 0.25 vCPU/512 MiB to 4 vCPU/8192 MiB at 1:2)`;
    }
    case "gcp": {
      // modules/gcp/private/cloud-run-sizing.ts cloudRunSize: whole vCPUs, raised for memory over 4/8/16/24 GiB.
      if (memoryMiB > CLOUD_RUN_MAX_MEMORY_MIB) return `a size Cloud Run runs (gcp is deployed): at most ${CLOUD_RUN_MAX_MEMORY_MIB} MiB`;
      const vcpu = Math.max(1, Math.ceil(cpuMillicores / 1000));
      const minMemory = vcpu >= 6 ? 4096 : vcpu >= 4 ? 2048 : 0;
      if (memoryMiB >= minMemory) return undefined;
      return `a size Cloud Run runs (gcp is deployed): ${minMemory} to ${CLOUD_RUN_MAX_MEMORY_MIB} MiB for ${cpuMillicores} millicores (${vcpu} vCPU)`;
    }
  }
}

/** The most instances of a service `cloud` accepts, or undefined where only a quota bounds it. */
export function maxInstances(cloud: CloudName): number | undefined {
  // Fargate (tasks per service) and Cloud Run (max instances) are bounded by adjustable quotas, not refused by the API.
  return cloud === "azure" ? CONTAINER_APPS_MAX_REPLICAS : undefined;
}
