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
/** Which synth processes wrote a line into `file` (see roleReporter), sorted. */
const rolesIn = (file: string) => fs.readFileSync(file, "utf8").trim().split("\n").sort();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { cacheKey } = require("../../scripts/synth-cache/cache-key.cjs") as { cacheKey: (inputs: string[], root?: string) => string };
import { Helper, helperResults, inPlanOrder, mergeParts, partition, PartsDoNotMerge, synthRole, writePartResult } from "../../scripts/synth-cache/synth-parts";
import { PlannedStack } from "../../stacks/platform-app";
import { sharedSnapshot, sharedSynth } from "../support/shared-synth";

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
  // scripts/synth-cache/build.cjs, run once per test run (test/main.test.ts starts from it too).
  const snapshot = sharedSnapshot();
  const cacheDir = snapshot.cacheDir;
  const env = { ...process.env, MLOPS_SYNTH_CACHE_DIR: cacheDir, CHECKPOINT_DISABLE: "1", CI: "true" };
  afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
  // Preloaded into every Node process of a run: each names its part of the synth as it starts.
  const roleReporter = path.join(scratch, "report-role.cjs");
  fs.writeFileSync(
    roleReporter,
    'require("fs").appendFileSync(process.env.ROLES_FILE, (process.env.MLOPS_SYNTH_PART ? "helper" : process.env.MLOPS_SYNTH_BLOB ? (process.env.MLOPS_SYNTH_PARTS === "1" ? "whole" : "leader") : "launcher") + "\\n");\n',
  );
  const reporting = (file: string) => ({ ROLES_FILE: file, NODE_OPTIONS: `--require ${roleReporter}` });

  it("writes the same files and prints the same summary as tsx main.ts, for every stack, synthesized in two processes", () => {
    expect(snapshot.stderr).toBe("");
    expect(snapshot.status).toBe(0);
    expect(fs.existsSync(path.join(cacheDir, "synth.blob"))).toBe(true);
    // tsx main.ts of every stack: the run's shared synthesis is exactly that (test/support/shared-synth.ts).
    const cold = sharedSynth();
    const fromSnapshot = path.join(scratch, "snap-all");
    const counted = path.join(scratch, "processes-all");
    const a = spawnSync(process.execPath, [LAUNCH], {
      cwd: ROOT,
      env: { ...env, MLOPS_SYNTH_PARTS: "2", CDKTF_ENV: "", MLOPS_DEPLOYMENTS_DIR: cold.deploymentsDir, CDKTF_OUTDIR: fromSnapshot, ...reporting(counted) },
      encoding: "utf8",
    });
    expect(a.status).toBe(0);
    expect(rolesIn(counted)).toEqual(["helper", "launcher", "leader"]); // merged, not rerun whole
    const placeholder = (out: string, dir: string) => out.replace(dir, "<out>").replace(path.relative(ROOT, dir), "<out>");
    expect(placeholder(a.stdout, fromSnapshot)).toBe(placeholder(cold.stdout, cold.outdir));
    const snapFiles = files(fromSnapshot);
    expect(Object.keys(snapFiles).length).toBeGreaterThan(2);
    expect(snapFiles).toEqual(files(cold.outdir));
    expect(fs.readdirSync(scratch).filter((n) => n.includes(".staging-"))).toEqual([]);
  });

  it("reports a failure found after the parts started as a whole synth does: same lines, same exit code, nothing written", () => {
    const deployments = path.join(scratch, "bad-deployments");
    fs.mkdirSync(path.join(deployments, "staging", "models"), { recursive: true });
    fs.writeFileSync(
      path.join(deployments, "staging", "models", "model-api.json"),
      JSON.stringify({ name: "model-api", version: "1.0.0", image: "registry.example.com/mlops/model-api:latest", metrics: { auc: 0.9 }, primaryMetric: "auc", sourceCommit: "abc1234", createdAt: "2026-11-25T10:00:00Z" }),
    );
    const out = path.join(scratch, "never-parts");
    const counted = path.join(scratch, "processes-failing");
    const run = (cmd: string, args: string[], extra: Record<string, string> = {}) =>
      spawnSync(cmd, args, { cwd: ROOT, env: { ...env, MLOPS_SYNTH_PARTS: "2", MLOPS_DEPLOYMENTS_DIR: deployments, CDKTF_OUTDIR: out, ...extra }, encoding: "utf8" });
    const a = run(process.execPath, [LAUNCH], reporting(counted));
    // The whole run reported (the helper may be stopped before it even starts).
    expect(rolesIn(counted).filter((r) => r !== "helper")).toEqual(["launcher", "leader", "whole"]);
    const b = run(path.join(ROOT, "node_modules", ".bin", "tsx"), ["main.ts"]);
    expect(b.status).toBe(2);
    expect(a.status).toBe(b.status);
    expect(a.stderr).toMatch(/model-api\.json: image: expected an image by digest/);
    expect(a.stderr).toBe(b.stderr);
    expect(a.stdout).toBe(b.stdout);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(scratch).filter((n) => n.includes(".staging-"))).toEqual([]);
  });

  it("GIVEN NODE_OPTIONS with a V8 flag the snapshot was not built with WHEN synthesized THEN it synthesizes on the cold path instead of failing", () => {
    // Node refuses a snapshot under other V8 flags ("Failed to load the startup snapshot", exit 14).
    const counted = path.join(scratch, "processes-v8-flag");
    const out = path.join(scratch, "v8-flag");
    const r = spawnSync(process.execPath, [LAUNCH], {
      cwd: ROOT,
      env: { ...env, CDKTF_ENV: "dev", CDKTF_OUTDIR: out, ...reporting(counted), NODE_OPTIONS: `--require ${roleReporter} --max-old-space-size=4096` },
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(out, "stacks", "dev-aws", "cdk.tf.json"))).toBe(true);
    expect(rolesIn(counted).filter((role) => role !== "launcher")).toEqual([]); // no process started from the snapshot
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

describe("synth in parts", () => {
  const planned: PlannedStack[] = ["dev", "staging", "prod"].flatMap((env) =>
    (["aws", "gcp", "azure"] as const).flatMap((cloud) => [
      { name: `${env}-${cloud}`, cloud, kind: "platform" as const },
      { name: `${env}-${cloud}-state`, cloud, kind: "state" as const },
    ]),
  );

  it("gives every stack to exactly one part, the platform stacks spread evenly", () => {
    for (const parts of [2, 3]) {
      const picks = Array.from({ length: parts }, (_, i) => {
        const include = partition(i, parts);
        return planned.filter((p) => include(p)).map((p) => p.name);
      });
      expect(picks.flat().sort()).toEqual(planned.map((p) => p.name).sort());
      const platform = picks.map((names) => names.filter((n) => !n.endsWith("-state")).length);
      expect(Math.max(...platform) - Math.min(...platform)).toBeLessThanOrEqual(1);
    }
  });

  it("is a leader only with a snapshot to start helpers from, and a helper only with its folders", () => {
    expect(synthRole({})).toEqual({ kind: "whole" });
    expect(synthRole({ MLOPS_SYNTH_PARTS: "2" })).toEqual({ kind: "whole" });
    expect(synthRole({ MLOPS_SYNTH_PARTS: "1", MLOPS_SYNTH_BLOB: "b" })).toEqual({ kind: "whole" });
    expect(synthRole({ MLOPS_SYNTH_PARTS: "2", MLOPS_SYNTH_BLOB: "b" })).toEqual({ kind: "leader", parts: 2, blob: "b" });
    expect(synthRole({ MLOPS_SYNTH_PART: "1/2", MLOPS_SYNTH_PART_DIR: "d" })).toEqual({ kind: "whole" });
    expect(synthRole({ MLOPS_SYNTH_PART: "1/2", MLOPS_SYNTH_PART_DIR: "d", MLOPS_SYNTH_PART_RESULT: "r" })).toEqual({ kind: "helper", index: 1, parts: 2, dir: "d", result: "r" });
  });

  it("keeps per-stack lines in plan order, each stack's own order kept", () => {
    const lines = [{ p: "prod-aws/x" }, { p: "dev-aws/b" }, { p: "dev-gcp" }, { p: "dev-aws/a" }];
    expect(inPlanOrder(planned, lines, (l) => l.p).map((l) => l.p)).toEqual(["dev-aws/b", "dev-aws/a", "dev-gcp", "prod-aws/x"]);
  });

  describe("helpers' results", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-parts-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    const helper = (name: string, code: number | null, result?: object): Helper => {
      const file = path.join(dir, `${name}.json`);
      if (result) fs.writeFileSync(file, JSON.stringify(result));
      return { dir: path.join(dir, name), result: file, exited: Promise.resolve(code), child: {} as Helper["child"] };
    };

    it("are used only when every helper exited 0, reported ok and ran the leader's snapshot build", async () => {
      const ok = { ok: true, build: "b1", warnings: [], summaries: [{ name: "dev-gcp", resourceCounts: { google_storage_bucket: 1 }, outputs: {}, suppressions: [], accepted: [] }] };
      await expect(helperResults([helper("a", 0, ok)], "b1")).resolves.toEqual([ok]);
      await expect(helperResults([helper("b", 0, ok), helper("c", 0, { ...ok, ok: false })], "b1")).resolves.toBeUndefined();
      await expect(helperResults([helper("d", 1, ok)], "b1")).resolves.toBeUndefined();
      await expect(helperResults([helper("e", null, ok)], "b1")).resolves.toBeUndefined();
      await expect(helperResults([helper("f", 0)], "b1")).resolves.toBeUndefined(); // exited without a result
      await expect(helperResults([helper("g", 0, ok)], "b2")).resolves.toBeUndefined(); // a snapshot rebuilt meanwhile
    });

    it("are written whole or not at all", () => {
      const file = path.join(dir, "w.json");
      writePartResult(file, { ok: true, warnings: [], summaries: [] });
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ ok: true, warnings: [], summaries: [] });
      expect(fs.existsSync(`${file}.tmp`)).toBe(false);
    });

    it("refuse a stack that two parts synthesized, and a stack that depends on another", () => {
      const staging = path.join(dir, "staging");
      const part = path.join(staging, ".part-1");
      for (const d of [path.join(staging, "stacks", "dev-aws"), path.join(part, "stacks", "dev-aws")]) fs.mkdirSync(d, { recursive: true });
      const entry = { name: "dev-aws" };
      fs.writeFileSync(path.join(staging, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { "dev-aws": entry } }));
      fs.writeFileSync(path.join(part, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { "dev-aws": entry } }));
      expect(() => mergeParts(staging, [{ dir: part, result: path.join(staging, ".part-1.json"), exited: Promise.resolve(0), child: {} as Helper["child"] }])).toThrow(
        "stack dev-aws synthesized by two parts",
      );
      fs.writeFileSync(path.join(part, "manifest.json"), JSON.stringify({ version: "0.21.0", stacks: { "dev-gcp": { name: "dev-gcp", dependencies: ["dev-aws"] } } }));
      expect(() => mergeParts(staging, [{ dir: part, result: path.join(staging, ".part-1.json"), exited: Promise.resolve(0), child: {} as Helper["child"] }])).toThrow(
        PartsDoNotMerge,
      );
      expect(fs.existsSync(path.join(part, "stacks", "dev-aws"))).toBe(true); // nothing moved
    });
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
