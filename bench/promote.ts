/**
 * Promoter benchmark: promote a tree of 2,000 (then 20,000) DAG files and 50 manifests into a remote with
 * 5,000 commits, timed against plain git making the identical commit (bench/plain-git-promotion.ts, the
 * floor) in the same run, with the resulting trees compared; and the 2,000-DAG change into a remote with
 * 50 commits, to show the cost follows the change, not the history.
 * Run: `npx tsx bench/promote.ts`. Prints each ratio; exits 1 when the promoter is over 1.5x the floor.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPromotion } from "../gitops/promote";
import { plainGitPromotion } from "./plain-git-promotion";
import { serializeManifest, ModelManifest } from "../modules/core/model-manifest";

const SIZES = [2000, 20000];
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

async function time(remote: string, source: string): Promise<{ seconds: number; summary: string }> {
  const t0 = process.hrtime.bigint();
  const r = await runPromotion({ request: { kind: "promote", env: "dev", base: "main", dryRun: false, repoUrl: remote, sourceDir: source }, environmentsDir: ENV_DIR });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.exitCode !== 0) throw new Error(`promotion failed: ${r.message}`);
  return { seconds, summary: `${r.added.length} added, ${r.changed.length} changed, ${r.deleted.length} deleted; ${r.steps.map((s) => `${s.name} ${s.ms}ms`).join(", ")}` };
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

const tree = (bare: string) => execFileSync("git", ["-C", bare, "rev-parse", "main^{tree}"], { encoding: "utf8" }).trim();

async function main(): Promise<void> {
  Object.assign(process.env, identity);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-bench-promote-"));
  try {
    for (const dags of SIZES) {
      const t0 = Date.now();
      const remote = buildRemote(dir, 5000, dags);
      const floorRemote = `${remote}-floor`;
      fs.cpSync(remote, floorRemote, { recursive: true });
      const source = buildSource(dir, dags);
      console.log(`setup: ${dags} DAGs + ${MODELS} manifests, 5000-commit remote, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const c0 = cpuSeconds();
      const a = await time(remote, source);
      const c1 = cpuSeconds();
      const f0 = process.hrtime.bigint();
      plainGitPromotion(floorRemote, source, "dev");
      const floor = Number(process.hrtime.bigint() - f0) / 1e9;
      const c2 = cpuSeconds();
      if (tree(remote) !== tree(floorRemote)) throw new Error(`the promoter and plain git made different trees at ${dags} DAGs`);
      const ratio = a.seconds / floor;
      console.log(`  promoter ${a.seconds.toFixed(2)} s (${a.summary})`);
      console.log(`  plain git ${floor.toFixed(2)} s, same tree`);
      console.log(`  promoter ratio at ${dags} DAGs: ${ratio.toFixed(2)}x (target <= ${FLOOR_RATIO.toFixed(2)}x)`);
      if (c0 !== undefined && c1 !== undefined && c2 !== undefined) {
        console.log(`  CPU (this process + git + python): promoter ${(c1 - c0).toFixed(2)} s, plain git ${(c2 - c1).toFixed(2)} s: ${((c1 - c0) / (c2 - c1)).toFixed(2)}x (not the target; steadier on a busy machine)`);
      }
      if (ratio > FLOOR_RATIO) process.exitCode = 1;
      if (dags === SIZES[0]) {
        const b = await time(buildRemote(dir, 50, dags), source);
        console.log(`  into a 50-commit remote: ${b.seconds.toFixed(2)} s; history ratio (5000 / 50 commits): ${(a.seconds / b.seconds).toFixed(2)}x (1.0x = independent of history)`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
