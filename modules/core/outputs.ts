/**
 * The one output vocabulary of every platform stack, built by one helper: `network_id`,
 * `registry_<service>`, `bucket_<purpose>`, `url_<service>`, `ci_<persona>`, `console_<what>`, plus
 * the cloud's own extras under the same key rules (lowercase, `_` between words).
 */
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { CI_PERSONAS, ConsoleLink, PlatformCiIdentity, PlatformMonitoring, PlatformNetwork, PlatformObjectStorage, PlatformRegistry, PlatformWorkload } from "./contracts";
import { BUCKET_PURPOSES } from "./workload-spec";

/** `model-api` -> `model_api`; `ECS cluster` -> `ecs_cluster`. */
export function outputKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/** An output a cloud adds beside the shared ones. */
export interface ExtraOutput {
  readonly key: string;
  readonly value: string;
  readonly description: string;
}

export interface PlatformOutputsProps {
  /** Cloud's display name in descriptions (`AWS console`, `Azure portal`, `Google Cloud console`). */
  readonly console: string;
  readonly network: PlatformNetwork;
  readonly registry: PlatformRegistry;
  /** Services with a repository in the registry. */
  readonly services: readonly string[];
  readonly storage: PlatformObjectStorage;
  readonly workloads: readonly PlatformWorkload[];
  readonly ci: PlatformCiIdentity;
  readonly monitoring: PlatformMonitoring;
  /** Console links beyond the monitoring module's. */
  readonly links?: readonly ConsoleLink[];
  readonly extra?: readonly ExtraOutput[];
}

/** Writes the stack's outputs; returns the console links it exported (monitoring's first). */
export function platformOutputs(scope: Construct, props: PlatformOutputsProps): ConsoleLink[] {
  const out = (key: string, value: string, description: string) => new TerraformOutput(scope, key, { value, description });
  out("network_id", props.network.networkId, "Network of the platform");
  for (const s of props.services) out(`registry_${outputKey(s)}`, props.registry.repositoryUrl(s), `${s} image repository`);
  for (const p of BUCKET_PURPOSES) out(`bucket_${outputKey(p)}`, props.storage.bucketName(p), `${p} bucket (DVC remote)`);
  for (const w of props.workloads) if (w.publicUrl) out(`url_${outputKey(w.name)}`, w.publicUrl, `${w.name} public endpoint`);
  for (const persona of CI_PERSONAS) out(`ci_${persona}`, props.ci.loginIds[persona], `GitHub OIDC identity: ${persona}`);
  for (const e of props.extra ?? []) out(e.key, e.value, e.description);
  const links = [...props.monitoring.links, ...(props.links ?? [])];
  for (const l of links) out(`console_${outputKey(l.label)}`, l.url, `${l.label} in the ${props.console}`);
  return links;
}
