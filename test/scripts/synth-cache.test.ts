/**
 * The synth snapshot (scripts/synth-cache/) is only a faster start: a synth from it must write the
 * same bytes and print the same lines as `tsx main.ts`, and any change to an input makes it stale.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const LAUNCH = path.join(ROOT, "scripts", "synth-cache", "launch.cjs");
const BUILD = path.join(ROOT, "scripts", "synth-cache", "build.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheKey } = require("../../scripts/synth-cache/cache-key.cjs") as { cacheKey: (inputs: string[], root?: string) => string };

function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  };
  walk(dir);
  return out;
}

describe("synth from the snapshot", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "synth-cache-"));
  const cacheDir = path.join(scratch, "cache");
  const env = { ...process.env, MLOPS_SYNTH_CACHE_DIR: cacheDir, CHECKPOINT_DISABLE: "1", CI: "true" };
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("writes the same files and prints the same summary as tsx main.ts, for every stack", () => {
    const built = spawnSync(process.execPath, [BUILD], { cwd: ROOT, env, encoding: "utf8" });
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    expect(fs.existsSync(path.join(cacheDir, "synth.blob"))).toBe(true);
    for (const select of [""]) {
      const fromSnapshot = path.join(scratch, `snap-${select || "all"}`);
      const fromTsx = path.join(scratch, `tsx-${select || "all"}`);
      const a = spawnSync(process.execPath, [LAUNCH], { cwd: ROOT, env: { ...env, CDKTF_ENV: select, CDKTF_OUTDIR: fromSnapshot }, encoding: "utf8" });
      const b = spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"], {
        cwd: ROOT,
        env: { ...env, CDKTF_ENV: select, CDKTF_OUTDIR: fromTsx },
        encoding: "utf8",
      });
      expect(a.status).toBe(0);
      expect(b.status).toBe(0);
      expect(a.stdout.replace(fromSnapshot, "<out>").replace(path.relative(ROOT, fromSnapshot), "<out>")).toBe(
        b.stdout.replace(fromTsx, "<out>").replace(path.relative(ROOT, fromTsx), "<out>"),
      );
      const snapFiles = files(fromSnapshot);
      expect(Object.keys(snapFiles).length).toBeGreaterThan(2);
      expect(snapFiles).toEqual(files(fromTsx));
    }
  });

  it("reports a configuration problem and an environment file's syntax error the same way", () => {
    const badEnvs = path.join(scratch, "bad-envs");
    fs.mkdirSync(badEnvs);
    fs.copyFileSync(path.join(ROOT, "environments", "schema.ts"), path.join(badEnvs, "schema.ts"));
    const dev = fs.readFileSync(path.join(ROOT, "environments", "dev.ts"), "utf8").replace(/cidr: "10\.\d+\.0\.0\/16"/, 'cidr: "10.10.0.0/33"');
    fs.writeFileSync(path.join(badEnvs, "dev.ts"), dev);
    fs.writeFileSync(path.join(badEnvs, "staging.ts"), "const staging = {\n  name: ,\n};\nexport default staging;\n");
    const run = (cmd: string, args: string[]) =>
      spawnSync(cmd, args, { cwd: ROOT, env: { ...env, MLOPS_ENVIRONMENTS_DIR: badEnvs, CDKTF_OUTDIR: path.join(scratch, "never") }, encoding: "utf8" });
    const a = run(process.execPath, [LAUNCH]);
    const b = run(path.join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"]);
    expect(a.status).not.toBe(0);
    expect(a.status).toBe(b.status);
    expect(a.stderr).toMatch(/cidr/);
    expect(a.stderr).toMatch(/staging\.ts.*syntax error at line 2/);
    expect(a.stderr).toBe(b.stderr);
    expect(fs.existsSync(path.join(scratch, "never"))).toBe(false);
  });
});

describe("cache key", () => {
  it("changes with the content of any input, and with the checkout's folder", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-key-"));
    fs.writeFileSync(path.join(dir, "package-lock.json"), "{}");
    fs.writeFileSync(path.join(dir, "a.ts"), "export const a = 1;");
    const before = cacheKey(["a.ts"], dir);
    expect(cacheKey(["a.ts"], dir)).toBe(before);
    fs.writeFileSync(path.join(dir, "a.ts"), "export const a = 2;");
    expect(cacheKey(["a.ts"], dir)).not.toBe(before);
    fs.writeFileSync(path.join(dir, "a.ts"), "export const a = 1;");
    fs.writeFileSync(path.join(dir, "package-lock.json"), '{"lockfileVersion":3}');
    expect(cacheKey(["a.ts"], dir)).not.toBe(before);
    const moved = fs.mkdtempSync(path.join(os.tmpdir(), "synth-key-"));
    fs.cpSync(dir, moved, { recursive: true });
    fs.writeFileSync(path.join(moved, "package-lock.json"), "{}");
    fs.writeFileSync(path.join(dir, "package-lock.json"), "{}");
    expect(cacheKey(["a.ts"], moved)).not.toBe(cacheKey(["a.ts"], dir));
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(moved, { recursive: true, force: true });
  });
});
