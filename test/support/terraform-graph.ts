/**
 * Test helper: the dependency graph of a synthesized stack. An edge a -> b means a refers to b, through a
 * `${b.attr}` token anywhere in a's arguments (container definitions and policies held as JSON strings
 * included) or through `depends_on`: Terraform creates b before a, and destroys a before b.
 */
import type { StackJson } from "./synth";

const TOKEN = /\$\{([^}]*)\}/g;
const ADDRESS = /(?<![\w.])((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g;
const NOT_RESOURCES = new Set(["var", "local", "each", "count", "path", "self", "terraform", "module"]);
const EPHEMERAL = /(?<![\w.])(ephemeral\.[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g;

/** One resource of the stack. */
export interface GraphNode {
  readonly address: string;
  readonly type: string;
  readonly body: Record<string, unknown>;
}

/** Addresses a value refers to through `${...}` tokens. */
export function tokenReferences(value: unknown): string[] {
  const found = new Set<string>();
  for (const [, expr] of JSON.stringify(value ?? null).matchAll(TOKEN)) {
    for (const [, a] of expr.matchAll(ADDRESS)) if (!NOT_RESOURCES.has(a.split(".")[0]) && a.split(".")[0] !== "ephemeral") found.add(a);
    // `ephemeral.<type>.<name>`: an ephemeral resource (a node too: Terraform opens it after what it names).
    for (const [, a] of expr.matchAll(EPHEMERAL)) found.add(a);
  }
  return [...found];
}

export class TerraformGraph {
  readonly nodes = new Map<string, GraphNode>();
  private readonly edges = new Map<string, Set<string>>();

  constructor(json: StackJson) {
    const ephemeral = (json as { ephemeral?: Record<string, Record<string, Record<string, unknown>>> }).ephemeral ?? {};
    const blocks = [
      ...Object.entries(json.resource ?? {}).map(([type, byName]) => ({ prefix: "", type, byName })),
      ...Object.entries(ephemeral).map(([type, byName]) => ({ prefix: "ephemeral.", type, byName })),
    ];
    for (const { prefix, type, byName } of blocks) {
      for (const [name, body] of Object.entries(byName)) {
        const address = `${prefix}${type}.${name}`;
        const { ["//"]: _meta, depends_on: dependsOn, ...args } = body;
        const refs = new Set(tokenReferences(args));
        for (const d of Array.isArray(dependsOn) ? dependsOn : []) refs.add(String(d));
        this.nodes.set(address, { address, type, body });
        this.edges.set(address, refs);
      }
    }
  }

  /** Addresses of every resource of these types. */
  ofType(...types: readonly string[]): string[] {
    return [...this.nodes.values()].filter((n) => types.includes(n.type)).map((n) => n.address);
  }

  /** What `address` refers to directly. */
  refs(address: string): ReadonlySet<string> {
    return this.edges.get(address) ?? new Set();
  }

  /** Resources that refer to `address` directly. */
  referrers(address: string): string[] {
    return [...this.edges.entries()].filter(([, r]) => r.has(address)).map(([a]) => a);
  }

  /** `from` and everything it depends on, transitively: what `terraform apply -target` of `from` creates. */
  closure(from: readonly string[]): Set<string> {
    const seen = new Set<string>();
    const todo = [...from];
    while (todo.length > 0) {
      const a = todo.pop()!;
      if (seen.has(a)) continue;
      seen.add(a);
      todo.push(...this.refs(a));
    }
    return seen;
  }

  /** True when `a` is created after `b` (a path of references or depends_on from a to b). */
  dependsOn(a: string, b: string): boolean {
    return a !== b && this.closure([a]).has(b);
  }
}
