/**
 * The one output vocabulary of every platform stack, built by one helper: `network_id`,
 * `registry_<service>`, `bucket_<purpose>`, `url_<service>`, `ci_<persona>`, `database_endpoint`,
 * and the shared console pages (`console_dashboard`, `console_alerting`, `console_network`, `console_runtime`,
 * `console_registry`, `console_storage`, `console_database`, `console_logs_<workload>`), plus the
 * cloud's own extras under the same key rules (lowercase, `_` between words). An extra may not take
 * a shared name: the same concept has one name on every cloud.
 */
import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { CI_PERSONAS, ConsoleLink, PlatformCiIdentity, PlatformConsoleLinks, PlatformDatabase, PlatformMonitoring, PlatformNetwork, PlatformObjectStorage, PlatformRegistry, PlatformWorkload } from "./contracts";
import { ValidationError } from "./errors";
import { BUCKET_PURPOSES } from "./workload-spec";

/** `model-api` -> `model_api`; `ECS cluster` -> `ecs_cluster`. */
export function outputKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/** The shared console pages in output order, with the label the synth summary prints. */
const SHARED_CONSOLE: readonly { readonly what: Exclude<keyof PlatformConsoleLinks, "logs">; readonly label: string }[] = [
  { what: "dashboard", label: "Dashboard" },
  { what: "alerting", label: "Alerting" },
  { what: "network", label: "Network" },
  { what: "runtime", label: "Runtime" },
  { what: "registry", label: "Registry" },
  { what: "storage", label: "Storage" },
  { what: "database", label: "Database" },
];

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
  /** The database, when the stack has one: `database_endpoint`. @default - none */
  readonly database?: PlatformDatabase;
  readonly monitoring: PlatformMonitoring;
  /** The console pages every cloud has; `logs` names every workload. */
  readonly consoleLinks: PlatformConsoleLinks;
  /** The cloud's own console links, beyond the shared ones and the monitoring module's. */
  readonly links?: readonly ConsoleLink[];
  readonly extra?: readonly ExtraOutput[];
}

/** Writes the stack's outputs; returns the console links it exported (the shared ones first). */
export function platformOutputs(scope: Construct, props: PlatformOutputsProps): ConsoleLink[] {
  const shared = new Set<string>();
  const out = (key: string, value: string, description: string) => {
    shared.add(key);
    new TerraformOutput(scope, key, { value, description });
  };
  out("network_id", props.network.networkId, "Network of the platform");
  for (const s of props.services) out(`registry_${outputKey(s)}`, props.registry.repositoryUrl(s), `${s} image repository`);
  for (const p of BUCKET_PURPOSES) out(`bucket_${outputKey(p)}`, props.storage.bucketName(p), `${p} bucket (DVC remote)`);
  for (const w of props.workloads) if (w.publicUrl) out(`url_${outputKey(w.name)}`, w.publicUrl, `${w.name} public endpoint`);
  for (const persona of CI_PERSONAS) out(`ci_${persona}`, props.ci.loginIds[persona], `GitHub OIDC identity: ${persona}`);
  if (props.database) out("database_endpoint", props.database.endpoint, "What a client in the platform's network connects to the database with");

  const c = props.consoleLinks;
  const names = props.workloads.map((w) => w.name);
  const logsOf = Object.keys(c.logs);
  if (logsOf.length !== names.length || names.some((n) => !(n in c.logs))) {
    throw new ValidationError(`consoleLinks.logs: expected one link per workload (${names.join(", ")}), found ${logsOf.join(", ") || "none"}`, scope);
  }
  if (Boolean(c.database) !== Boolean(props.database)) {
    throw new ValidationError(`consoleLinks.database: expected a link exactly when the stack has a database (${props.database ? "it has" : "it has none"}), found ${c.database ? "a link" : "none"}`, scope);
  }
  const links: (ConsoleLink & { readonly key: string })[] = [
    ...SHARED_CONSOLE.flatMap(({ what, label }) => (c[what] ? [{ key: `console_${what}`, label, url: c[what]! }] : [])),
    ...props.workloads.map((w) => ({ key: `console_logs_${outputKey(w.name)}`, label: `${w.name} logs`, url: c.logs[w.name] })),
  ];
  for (const l of links) out(l.key, l.url, `${l.label} in the ${props.console}`);

  const own = [...props.monitoring.links, ...(props.links ?? [])].map((l) => ({ ...l, key: `console_${outputKey(l.label)}` }));
  for (const e of [...(props.extra ?? []), ...own]) {
    if (shared.has(e.key)) throw new ValidationError(`output ${e.key}: a cloud's own output or console link may not take a name of the shared vocabulary (rename it)`, scope);
  }
  for (const e of props.extra ?? []) out(e.key, e.value, e.description);
  for (const l of own) out(l.key, l.url, `${l.label} in the ${props.console}`);
  return [...links, ...own].map(({ label, url }) => ({ label, url }));
}
