/**
 * Orderings a first apply on a fresh subscription needs (issue 15 item 3), on the synthesized JSON of the
 * real Azure stacks: walk every reference (`${type.name...}`) and `depends_on`, and assert that
 *   - every Key Vault secret write comes after the vault officers' grants AND the RBAC propagation wait;
 *   - every Container App and Job comes after each role assignment its identities hold AND a wait that
 *     follows those grants (a revision checks AcrPull and resolves Key Vault references when created);
 *   - the Container Apps environment is created by a provider that registers Microsoft.App first
 *     (azurerm 4.55 registers `resource_providers_to_register` when it is configured, before any resource:
 *     internal/provider/provider.go buildClient; Microsoft.App is in none of the default sets,
 *     internal/resourceproviders/required.go).
 */
import { sharedSynth } from "../support/shared-synth";
import { resources, StackJson } from "../support/stack-json";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** address -> addresses it references or depends on directly. */
function directEdges(json: StackJson): Map<string, Set<string>> {
  const all = (json.resource ?? {}) as Resources;
  const edges = new Map<string, Set<string>>();
  const ref = /\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)[.}\s\[]/g;
  for (const [type, byName] of Object.entries(all)) {
    for (const [name, body] of Object.entries(byName)) {
      const out = new Set<string>();
      const { depends_on: dependsOn, ...rest } = body as { depends_on?: string[] };
      for (const d of dependsOn ?? []) out.add(d);
      for (const m of JSON.stringify(rest).matchAll(ref)) if (m[1] !== "var" && m[1] !== "local" && m[1] !== "data" && m[1] !== "ephemeral") out.add(`${m[1]}.${m[2]}`);
      edges.set(`${type}.${name}`, out);
    }
  }
  return edges;
}

/** Everything `from` waits for, transitively. */
function ancestors(edges: Map<string, Set<string>>, from: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(edges.get(from) ?? [])];
  while (todo.length) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(edges.get(next) ?? []));
  }
  return seen;
}

const addresses = (json: StackJson, type: string) => Object.keys(((json.resource ?? {}) as Resources)[type] ?? {}).map((n) => `${type}.${n}`);
const body = (json: StackJson, address: string) => {
  const [type, name] = address.split(".");
  return ((json.resource ?? {}) as Resources)[type][name];
};

const built = sharedSynth();
const STACKS = ["dev-azure", "prod-azure"];

describe.each(STACKS)("%s: first-apply ordering", (stack) => {
  const json = built.json(stack);
  const edges = directEdges(json);
  const sleeps = addresses(json, "time_sleep");
  const grants = addresses(json, "azurerm_role_assignment");

  test("GIVEN the propagation waits WHEN synthesized THEN each follows its grants through triggers, and hashicorp/time is pinned", () => {
    expect(sleeps.length).toBeGreaterThan(0);
    for (const s of sleeps) {
      const b = body(json, s);
      expect(b.create_duration).toBe("120s");
      const triggered = Object.values(b.triggers as Record<string, string>).map((v) => /^\$\{(azurerm_role_assignment\.[^.]+)\.id\}$/.exec(v)?.[1]);
      expect(triggered.every((t) => t !== undefined && grants.includes(t))).toBe(true);
    }
    expect(json.terraform).toMatchObject({ required_providers: { time: { source: "hashicorp/time", version: "~> 0.13" } } });
  });

  test("GIVEN every Key Vault secret WHEN synthesized THEN it is written after every Secrets Officer grant on its vault and after their propagation wait", () => {
    const officers = grants.filter((g) => body(json, g).role_definition_name === "Key Vault Secrets Officer");
    expect(officers.length).toBeGreaterThan(0);
    const secrets = addresses(json, "azurerm_key_vault_secret");
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      const before = ancestors(edges, secret);
      for (const o of officers) expect(before).toContain(o);
      expect(sleeps.some((s) => before.has(s) && officers.every((o) => ancestors(edges, s).has(o)))).toBe(true);
    }
  });

  test.each(["azurerm_container_app", "azurerm_container_app_job"])("GIVEN every %s WHEN synthesized THEN its revision waits for every grant its identities hold, and for a propagation wait after them", (type) => {
    const workloads = addresses(json, type);
    expect(workloads.length).toBeGreaterThan(0);
    for (const w of workloads) {
      const ids = (body(json, w).identity as { identity_ids: string[] }).identity_ids;
      const principals = ids.map((id) => id.replace(/\.id\}$/, ".principal_id}"));
      const held = grants.filter((g) => principals.includes(String(body(json, g).principal_id)));
      // The pull identity's AcrPull, the workload's data and secret roles: at least two grants per workload; the
      // migration job pulls a public image and holds its one secret role (modules/azure/database-migration-job.ts).
      expect(held.length).toBeGreaterThanOrEqual(String(body(json, w).name).endsWith("-db-migrate") ? 1 : 2);
      const before = ancestors(edges, w);
      for (const g of held) expect({ workload: w, grant: g, ordered: before.has(g) }).toEqual({ workload: w, grant: g, ordered: true });
      const waits = sleeps.filter((s) => before.has(s));
      const covered = new Set(waits.flatMap((s) => [...ancestors(edges, s)]));
      for (const g of held) expect({ workload: w, grant: g, waitedFor: covered.has(g) }).toEqual({ workload: w, grant: g, waitedFor: true });
    }
  });

  test("GIVEN the Container Apps environment WHEN synthesized THEN its (default) provider registers Microsoft.App before creating anything", () => {
    const providers = (json.provider as Record<string, Record<string, unknown>[]>).azurerm;
    expect(providers).toHaveLength(1);
    expect(providers[0].alias).toBeUndefined();
    expect(providers[0].resource_providers_to_register).toEqual(["Microsoft.App"]);
    // skip_provider_registration would turn registration off (provider.go errors if combined with the set).
    expect(providers[0].skip_provider_registration).toBeUndefined();
    expect(providers[0].resource_provider_registrations).toBeUndefined();
    const [env] = resources(json, "azurerm_container_app_environment");
    expect(env.provider).toBeUndefined();
  });
});
