/**
 * Merges the catalog with one environment: per-service override, then the environment's
 * default, then the catalog's value (the terraform-aws-modules wrapper order).
 */
import type { EnvironmentConfig } from "../environments/schema";
import { ConfigProblem } from "../modules/core/errors";
import type { ModelManifest } from "../modules/core/model-manifest";
import { digestOf } from "../modules/core/model-manifest";
import { ResolvedService, ServiceSpec } from "./service-spec";

/** Fargate's memory range for each CPU size, the narrowest of the three runtimes. */
const MEMORY_RANGE_MIB: Record<number, readonly [number, number]> = {
  250: [512, 2048],
  500: [1024, 4096],
  1000: [2048, 8192],
  2000: [4096, 16384],
  4000: [8192, 30720],
};

export interface ResolveResult {
  readonly services: ResolvedService[];
  readonly problems: ConfigProblem[];
}

/**
 * The services an environment runs, sized and imaged. `manifests` are the promoted model
 * manifests of the environment, keyed by name; a service with one runs its digest, else the
 * environment's `imageTag`, else the catalog's tag.
 */
export function resolveServices(
  env: EnvironmentConfig,
  catalog: readonly ServiceSpec[],
  manifests: Readonly<Record<string, ModelManifest>>,
  file: string,
): ResolveResult {
  const problems: ConfigProblem[] = [];
  const known = new Set(catalog.map((s) => s.name));
  for (const name of Object.keys(env.services)) {
    if (!known.has(name)) {
      problems.push({ file, field: `services.${name}`, expected: `a service of the catalog (${[...known].join(", ")})`, found: JSON.stringify(name) });
    }
  }
  const services: ResolvedService[] = [];
  for (const spec of catalog) {
    const o = env.services[spec.name] ?? {};
    if (o.enabled === false) continue;
    const isJob = spec.kind === "job";
    const min = o.minCount ?? (isJob ? undefined : env.serviceDefaults.minCount) ?? spec.scaling.min;
    const max = o.maxCount ?? Math.max(isJob ? spec.scaling.max : (env.serviceDefaults.maxCount ?? spec.scaling.max), min);
    const cpu = o.cpuMillicores ?? spec.cpuMillicores;
    const memory = o.memoryMiB ?? spec.memoryMiB;
    if (min > max) {
      problems.push({ file, field: `services.${spec.name}.minCount`, expected: `at most maxCount (${max})`, found: String(min) });
    }
    const [lo, hi] = MEMORY_RANGE_MIB[cpu] ?? [0, 0];
    if (memory < lo || memory > hi || memory % 512 !== 0) {
      problems.push({
        file,
        field: `services.${spec.name}.memoryMiB`,
        expected: `a multiple of 512 from ${lo} to ${hi} for ${cpu} millicores`,
        found: String(memory),
      });
    }
    const manifest = manifests[spec.name];
    services.push({
      ...spec,
      cpuMillicores: cpu as ServiceSpec["cpuMillicores"],
      memoryMiB: memory,
      scaling: { min, max, targetCpuPercent: spec.scaling.targetCpuPercent },
      image: manifest
        ? { kind: "digest", digest: digestOf(manifest), version: manifest.version, source: manifest.sourceCommit }
        : { kind: "tag", tag: o.imageTag ?? spec.defaultImageTag, pinned: o.imageTag !== undefined },
    });
  }
  return { services, problems };
}
