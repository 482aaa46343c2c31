/** modules/core is the cloud-neutral bottom layer: it imports nothing above it. */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../support/synth";

const CORE = path.join(ROOT, "modules/core");
const FORBIDDEN = ["environments", "services", "stacks", "gitops", "modules/aws", "modules/azure", "modules/gcp", "modules/policy"];

test.each(fs.readdirSync(CORE).filter((f) => f.endsWith(".ts")))("GIVEN modules/core/%s THEN it imports nothing from the layers above or a cloud", (file) => {
  const source = fs.readFileSync(path.join(CORE, file), "utf8");
  const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]).filter((s) => s.startsWith("."));
  const resolved = imports.map((s) => path.relative(ROOT, path.resolve(CORE, s)));
  expect(resolved.filter((r) => FORBIDDEN.some((f) => r === f || r.startsWith(`${f}/`)))).toEqual([]);
});
