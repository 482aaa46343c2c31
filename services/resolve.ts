/**
 * Merges the catalog with one environment: per-service override, then the environment's
 * default, then the catalog's value (the terraform-aws-modules wrapper order). Sizes and instance
 * bounds are checked against the runtimes the environment deploys to (runtime-sizes.ts).
 */
import { CLOUDS, EnvironmentConfig } from "../environments/schema";
import { ConfigProblem } from "../modules/core/errors";
import type { ModelManifest } from "../modules/core/model-manifest";
import { digestOf } from "../modules/core/model-manifest";
import { maxInstances, sizeRefusal } from "./runtime-sizes";
import { ResolvedService, ServiceSpec } from "./service-spec";

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
  const deployed = CLOUDS.filter((c) => env.clouds[c] !== undefined);
  const reported = new Set<string>();
  const report = (p: ConfigProblem) => {
    const key = `${p.field}\n${p.expected}`;
    if (!reported.has(key)) problems.push(p);
    reported.add(key);
  };
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
    // Sizes: only the runtimes this environment deploys to; the field named is the one the user set.
    const sizeField = `services.${spec.name}.${o.memoryMiB === undefined && o.cpuMillicores !== undefined ? "cpuMillicores" : "memoryMiB"}`;
    const fromCatalog = o.memoryMiB === undefined && o.cpuMillicores === undefined ? " (the catalog's size)" : "";
    for (const cloud of deployed) {
      const refusal = sizeRefusal(cloud, cpu, memory);
      if (refusal) report({ file, field: sizeField, expected: refusal, found: `cpuMillicores: ${cpu}, memoryMiB: ${memory}${fromCatalog}` });
    }
    if (!isJob) {
      const maxField = o.maxCount !== undefined ? `services.${spec.name}.maxCount` : env.serviceDefaults.maxCount !== undefined ? "serviceDefaults.maxCount" : `services.${spec.name}.maxCount`;
      const minField = o.minCount !== undefined ? `services.${spec.name}.minCount` : env.serviceDefaults.minCount !== undefined ? "serviceDefaults.minCount" : `services.${spec.name}.minCount`;
      for (const cloud of deployed) {
        const limit = maxInstances(cloud);
        if (limit === undefined) continue;
        if (max > limit) report({ file, field: maxField, expected: `at most ${limit} instances (${cloud} is deployed)`, found: String(max) });
        if (min > limit) report({ file, field: minField, expected: `at most ${limit} instances (${cloud} is deployed)`, found: String(min) });
      }
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
