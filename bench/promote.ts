/**
 * Promoter benchmark: promote a tree of 2,000 (then 20,000) DAG files and 50 manifests into a remote with
 * 5,000 commits, timed against plain git making the identical commit (bench/plain-git-promotion.ts, the
 * floor) in the same run, with the resulting trees compared every time; and the 2,000-DAG change into a
 * remote with 50 commits, to show the cost follows the change, not the history.
 * Each size runs several times (PROMOTE_BENCH_RUNS; default 5 at 2,000 DAGs, 3 at 20,000), promoter and floor alternating which goes
 * first, each on a fresh copy of the remote; the gate is the median of the runs' ratios (a run pairs the
 * two under the same load). CPU seconds (this process + git + python) are printed too: steadier on a
 * shared machine. Run: `npx tsx bench/promote.ts` (PROMOTE_BENCH_SIZES=2000 for one size).
 * Prints each ratio; exits 1 when a median ratio is over 1.5x, or when anything fails.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPromotion } from "../gitops/promote";
import { plainGitPromotion } from "./plain-git-promotion";
import { serializeManifest, ModelManifest } from "../modules/core/model-manifest";

const SIZES = (process.env.PROMOTE_BENCH_SIZES ?? "2000,20000").split(",").map(Number);
// Short runs are the noisy ones on a shared machine: more of them (each pair takes ~3 s at 2,000 DAGs, ~10 s at 20,000).
const runsFor = (dags: number) => Number(process.env.PROMOTE_BENCH_RUNS ?? (dags <= 5000 ? 5 : 3));
const MODELS = 50;
const FLOOR_RATIO = 1.5;
// The promoter test fixtures: dev is direct as in environments/, and stay valid while others edit environments/.
const ENV_DIR = path.resolve(__dirname, "..", "test", "fixtures", "gitops", "environments");

const identity = { GIT_AUTHOR_NAME: "bench", GIT_AUTHOR_EMAIL: "bench@localhost", GIT_COMMITTER_NAME: "bench", GIT_COMMITTER_EMAIL: "bench@localhost" };

function dag(i: number, rev: number): string {
  return `from airflow import DAG\n\n# dag ${i} revision ${rev}\nDAG_ID = "dag_${i}"\nSCHEDULE = "@daily"\n`;
}

function model(i: number, rev: number): ModelManifest {
  return {
    name: `model-${i}`,
    version: `1.${rev}.0`,
    image: `registry.example.com/model-${i}@sha256:${createHash("sha256").update(`${i}/${rev}`).digest("hex")}`,
    metrics: { auc: 0.8 + rev / 1000 },
    primaryMetric: "auc",
    sourceCommit: createHash("sha1").update(`${i}/${rev}`).digest("hex").slice(0, 12),
    createdAt: "2026-11-25T10:00:00Z",
  };
}

/** A bare remote whose main holds the full dev tree and `commits` commits of history, built with fast-import. */
function buildRemote(dir: string, commits: number, dags: number): string {
  const bare = path.join(dir, `remote-${dags}-${commits}.git`);
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  execFileSync("git", ["-C", bare, "config", "receive.denyNonFastForwards", "true"]);
  execFileSync("git", ["-C", bare, "config", "uploadpack.allowFilter", "true"]);
  const parts: string[] = [];
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;
  let t = 1_700_000_000;
  for (let c = 1; c <= commits; c++) {
    parts.push(`commit refs/heads/main\nmark :${c}\ncommitter bench <bench@localhost> ${t++} +0000\n${data(`commit ${c}`)}`);
    if (c > 1) parts.push(`from :${c - 1}\n`);
    if (c === 1) {
      for (let i = 0; i < dags; i++) parts.push(`M 100644 inline deployments/dev/dags/team-${i % 20}/dag_${i}.py\n${data(dag(i, 0))}`);
      for (let i = 0; i < MODELS; i++) parts.push(`M 100644 inline deployments/dev/models/model-${i}.json\n${data(serializeManifest(model(i, 0)))}`);
    } else {
      // History that touches other places (services, other environments), as a busy repository has.
      parts.push(`M 100644 inline services/history-${c % 200}.txt\n${data(`change ${c}\n`)}`);
    }
    parts.push("\n");
  }
  execFileSync("git", ["-C", bare, "fast-import", "--quiet"], { input: parts.join(""), maxBuffer: 1 << 30 });
  return bare;
}

/** The source: every DAG (20 changed, 10 added, 10 removed) and every manifest (5 new versions). */
function buildSource(dir: string, dags: number): string {
  const src = path.join(dir, `source-${dags}`);
  for (let i = 10; i < dags + 10; i++) {
    const file = path.join(src, "dags", `team-${i % 20}`, `dag_${i}.py`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, dag(i, i < 30 ? 1 : 0));
  }
  fs.mkdirSync(path.join(src, "models"), { recursive: true });
  for (let i = 0; i < MODELS; i++) fs.writeFileSync(path.join(src, "models", `model-${i}.json`), serializeManifest(model(i, i < 5 ? 1 : 0)));
  return src;
}

/**
 * CPU seconds this process and its finished children (git, python) used so far, from /proc/self/stat
 * (utime + stime + cutime + cstime): a figure the other sessions on a shared machine do not inflate the
 * way they inflate wall time. Undefined where /proc is missing.
 */
function cpuSeconds(): number | undefined {
  try {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14-17 of proc(5) are utime, stime, cutime, cstime; f[0] is field 3.
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
  } catch {
    return undefined;
  }
}

/** Wall and CPU seconds of one timed call. */
interface Timing {
  readonly wall: number;
  readonly cpu?: number;
}

async function timed(f: () => unknown): Promise<Timing> {
  const c0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  await f();
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = cpuSeconds();
  return { wall, cpu: c0 === undefined || c1 === undefined ? undefined : c1 - c0 };
}

/** One promoter run; returns its step line. Throws when the promotion does not succeed. */
async function promote(remote: string, source: string): Promise<string> {
  const r = await runPromotion({ request: { kind: "promote", env: "dev", base: "main", dryRun: false, repoUrl: remote, sourceDir: source }, environmentsDir: ENV_DIR });
  if (r.exitCode !== 0) throw new Error(`promotion failed: ${r.message}`);
  return `${r.added.length} added, ${r.changed.length} changed, ${r.deleted.length} deleted; ${r.steps.map((s) => `${s.name} ${s.ms}ms`).join(", ")}`;
}

const tree = (bare: string) => execFileSync("git", ["-C", bare, "rev-parse", "main^{tree}"], { encoding: "utf8" }).trim();

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const cpuOf = (ts: readonly Timing[]): number[] | undefined => (ts.every((t) => t.cpu !== undefined) ? ts.map((t) => t.cpu!) : undefined);
const secs = (x: number) => `${x.toFixed(2)} s`;

/** Runs one size several times; returns the median wall ratio. */
async function benchSize(dir: string, dags: number): Promise<number> {
  const RUNS = runsFor(dags);
  const t0 = Date.now();
  const pristine = buildRemote(dir, 5000, dags);
  const source = buildSource(dir, dags);
  console.log(`${dags} DAGs + ${MODELS} manifests into a 5,000-commit remote (setup ${((Date.now() - t0) / 1000).toFixed(1)} s, ${RUNS} runs)`);
  const promoter: Timing[] = [];
  const floor: Timing[] = [];
  const ratios: number[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const a = `${pristine}-run${run}-promoter`;
    const b = `${pristine}-run${run}-floor`;
    fs.cpSync(pristine, a, { recursive: true });
    fs.cpSync(pristine, b, { recursive: true });
    let steps = "";
    const runPromoter = async () => {
      const t = await timed(async () => (steps = await promote(a, source)));
      promoter.push(t);
      return t;
    };
    const runFloor = async () => {
      const t = await timed(() => plainGitPromotion(b, source, "dev"));
      floor.push(t);
      return t;
    };
    // Alternating order: whatever the first of a pair pays (cold caches) is paid by each side in turn.
    let p: Timing;
    let f: Timing;
    if (run % 2 === 1) {
      p = await runPromoter();
      f = await runFloor();
    } else {
      f = await runFloor();
      p = await runPromoter();
    }
    if (tree(a) !== tree(b)) throw new Error(`the promoter and plain git made different trees at ${dags} DAGs (run ${run})`);
    ratios.push(p.wall / f.wall);
    const cpu = p.cpu !== undefined && f.cpu !== undefined ? `; CPU ${secs(p.cpu)} vs ${secs(f.cpu)}` : "";
    console.log(`  run ${run}${run % 2 === 1 ? " (promoter first)" : " (plain git first)"}: promoter ${secs(p.wall)}, plain git ${secs(f.wall)}, same tree: ${(p.wall / f.wall).toFixed(2)}x${cpu}`);
    console.log(`    promoter steps: ${steps}`);
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
  const ratio = median(ratios);
  const pc = cpuOf(promoter);
  const fc = cpuOf(floor);
  console.log(`  median wall: promoter ${secs(median(promoter.map((t) => t.wall)))}, plain git ${secs(median(floor.map((t) => t.wall)))}`);
  if (pc && fc) console.log(`  median CPU (this process + git + python): promoter ${secs(median(pc))}, plain git ${secs(median(fc))}: ${(median(pc) / median(fc)).toFixed(2)}x (not the target; steadier on a busy machine)`);
  const verdict = ratio <= FLOOR_RATIO ? "ok" : "MISSED";
  console.log(`  promoter ratio at ${dags} DAGs: ${ratio.toFixed(2)}x (median of ${ratios.map((r) => r.toFixed(2)).join(", ")}; target <= ${FLOOR_RATIO.toFixed(2)}x): ${verdict}`);
  if (dags === SIZES[0]) {
    // The same change into a short history: the cost should follow the change, not the commits.
    const short = buildRemote(dir, 50, dags);
    const shortTimes: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const copy = `${short}-run${run}`;
      fs.cpSync(short, copy, { recursive: true });
      shortTimes.push((await timed(() => promote(copy, source))).wall);
    }
    const long = median(promoter.map((t) => t.wall));
    console.log(`  into a 50-commit remote: ${secs(median(shortTimes))}; history ratio (5,000 / 50 commits): ${(long / median(shortTimes)).toFixed(2)}x (1.0x = independent of history; not gated)`);
  }
  return ratio;
}

async function main(): Promise<void> {
  Object.assign(process.env, identity);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (${os.cpus().length} cores)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-bench-promote-"));
  const results: [number, number][] = [];
  try {
    for (const dags of SIZES) results.push([dags, await benchSize(dir, dags)]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  for (const [dags, ratio] of results) {
    console.log(`promoter vs plain git at ${dags} DAGs: ${ratio.toFixed(2)}x (target <= ${FLOOR_RATIO.toFixed(2)}x) ${ratio <= FLOOR_RATIO ? "ok" : "MISSED"}`);
  }
  if (results.some(([, r]) => r > FLOOR_RATIO)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(`bench/promote failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exitCode = 1;
});
