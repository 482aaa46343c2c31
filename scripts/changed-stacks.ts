/**
 * Which stacks a pull request changes: compares two synth outputs stack by stack and prints the names
 * whose Terraform JSON differs (or that are new) as a JSON array:
 *   npx tsx scripts/changed-stacks.ts --base <base>/cdktf.out --head cdktf.out
 * A base that did not synthesize (no folder) makes every head stack "changed". The top-level `//`
 * block (cdktf's metadata: version, paths) is ignored so a tool upgrade alone plans nothing.
 */
import * as fs from "fs";
import * as path from "path";

/** JSON text with keys sorted, so that key order never counts as a change. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function stackJson(outdir: string, stack: string): string | undefined {
  const file = path.join(outdir, "stacks", stack, "cdk.tf.json");
  if (!fs.existsSync(file)) return undefined;
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  delete doc["//"];
  return canonicalJson(doc);
}

function stacksIn(outdir: string): string[] {
  const dir = path.join(outdir, "stacks");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((s) => fs.existsSync(path.join(dir, s, "cdk.tf.json"))).sort() : [];
}

/** Head stacks that are new or differ from the base. */
export function changedStacks(baseOutdir: string, headOutdir: string): string[] {
  return stacksIn(headOutdir).filter((s) => stackJson(baseOutdir, s) !== stackJson(headOutdir, s));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const get = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const base = get("--base");
  const head = get("--head");
  if (!base || !head) {
    process.stderr.write("changed-stacks: --base <dir> and --head <dir> are required\n");
    process.exitCode = 2;
  } else {
    process.stdout.write(`${JSON.stringify(changedStacks(base, head))}\n`);
  }
}
