/** modules/core is the cloud-neutral bottom layer: it imports nothing above it. */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../support/stack-json";

const CORE = path.join(ROOT, "modules/core");
const FORBIDDEN = ["environments", "services", "stacks", "gitops", "modules/aws", "modules/azure", "modules/gcp", "modules/policy"];

test.each(fs.readdirSync(CORE).filter((f) => f.endsWith(".ts")))("GIVEN modules/core/%s THEN it imports nothing from the layers above or a cloud", (file) => {
  const source = fs.readFileSync(path.join(CORE, file), "utf8");
  const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]).filter((s) => s.startsWith("."));
  const resolved = imports.map((s) => path.relative(ROOT, path.resolve(CORE, s)));
  expect(resolved.filter((r) => FORBIDDEN.some((f) => r === f || r.startsWith(`${f}/`)))).toEqual([]);
});

/** Every project file reachable from `entry` through relative imports (static, `export from`, dynamic, require). */
function reachable(entry: string): Map<string, string | undefined> {
  const via = new Map<string, string | undefined>();
  const resolve = (from: string, spec: string): string | undefined => {
    const base = path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, path.join(base, "index.ts"), base].find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
  };
  const visit = (file: string, parent: string | undefined): void => {
    if (via.has(file)) return;
    via.set(file, parent);
    const source = fs.readFileSync(file, "utf8");
    for (const m of source.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*|\brequire\(\s*)["']([^"']+)["']/g)) {
      if (!m[1].startsWith(".")) continue;
      const target = resolve(file, m[1]);
      if (target) visit(target, file);
    }
  };
  visit(entry, undefined);
  return via;
}

describe("the synth path", () => {
  const graph = reachable(path.join(ROOT, "main.ts"));
  const rel = (f: string): string => path.relative(ROOT, f).split(path.sep).join("/");

  test("GIVEN main.ts WHEN its imports are walked THEN the stacks and every cloud's modules are reached (the walk sees the real graph)", () => {
    const files = [...graph.keys()].map(rel);
    expect(files).toEqual(expect.arrayContaining([
      "stacks/platform-app.ts", "stacks/aws-platform-stack.ts", "stacks/azure-platform-stack.ts", "stacks/gcp-platform-stack.ts",
      "services/resolve.ts", "modules/core/deployed-manifests.ts", "modules/core/model-manifest.ts",
    ]));
  });

  test("GIVEN main.ts WHEN its imports are walked THEN no file under gitops/ is reached (synth does not load the promoter)", () => {
    const chain = (f: string): string => {
      const links: string[] = [];
      for (let at: string | undefined = f; at; at = graph.get(at)) links.unshift(rel(at));
      return links.join(" -> ");
    };
    expect([...graph.keys()].filter((f) => rel(f).startsWith("gitops/")).map(chain)).toEqual([]);
  });
});
