/**
 * Synth benchmark: times `npm run synth`'s command (every stack of every environment, started from
 * the synth snapshot, built here first) against an empty cdktf app under tsx in the same run,
 * several alternating runs, and prints medians, peak memory and the ratio; the cold path (no
 * snapshot: `tsx main.ts`) is printed for reference. Targets: at most 2x the empty-app floor and
 * a peak of at most 190 MiB, the peak of each process (`npm run synth` runs a launcher, a leader and
 * a helper: scripts/synth-cache/synth-parts.ts). Exits 1 when over, so CI can gate on it. The CPU
 * time of all of a run's processes (user + system) is printed too: on a shared machine it is the
 * steadier figure.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const LAUNCH = path.join(ROOT, "scripts", "synth-cache", "launch.cjs");
const PEAK_MIB = 190;
const CACHE_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "bench-synth-cache-"));

type Run = { ms: number; rssMiB: number; cpuMs: number };

function once(script: string, extraEnv: Record<string, string> = {}): Run {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const rssFile = path.join(scratch, "rss");
  const start = process.hrtime.bigint();
  const [cmd, args] = script.endsWith(".cjs") ? [process.execPath, [script]] : [TSX, [script]];
  const r = spawnSync(cmd, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...extraEnv,
      MLOPS_SYNTH_CACHE_DIR: CACHE_DIR,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: path.join(scratch, "out"),
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "report-rss.cjs")}`.trim(),
    },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  // One line per process of the run: peak KiB, CPU microseconds.
  const lines = fs.readFileSync(rssFile, "utf8").trim().split("\n").map((l) => l.split(" ").map(Number));
  fs.rmSync(scratch, { recursive: true, force: true });
  return { ms, rssMiB: Math.max(...lines.map(([kib]) => kib)) / 1024, cpuMs: lines.reduce((sum, [, us]) => sum + us, 0) / 1000 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "synth-cache", "build.cjs")], {
  cwd: ROOT,
  env: { ...process.env, MLOPS_SYNTH_CACHE_DIR: CACHE_DIR },
  encoding: "utf8",
});
if (build.status !== 0) throw new Error(`synth snapshot build failed:\n${build.stderr}`);

const empty: Run[] = [];
const full: Run[] = [];
const cold: Run[] = [];
once(path.join(__dirname, "empty-app.ts")); // warm the disk cache for all three
once(LAUNCH);
once(path.join(ROOT, "main.ts"));
for (let i = 0; i < RUNS; i++) {
  empty.push(once(path.join(__dirname, "empty-app.ts")));
  full.push(once(LAUNCH));
  cold.push(once(path.join(ROOT, "main.ts")));
}
fs.rmSync(CACHE_DIR, { recursive: true, force: true });
const ms = (xs: Run[]) => median(xs.map((x) => x.ms));
const peak = (xs: Run[]) => Math.max(...xs.map((x) => x.rssMiB));
const cpu = (xs: Run[]) => median(xs.map((x) => x.cpuMs));
const e = ms(empty);
const ratio = ms(full) / e;
console.log(`synth benchmark, ${RUNS} runs each (median time, median CPU user+sys of all processes, highest peak of one process)`);
console.log(`  empty cdktf app (tsx)         : ${e.toFixed(0)} ms, CPU ${cpu(empty).toFixed(0)} ms, peak ${peak(empty).toFixed(0)} MiB`);
console.log(`  every stack (npm run synth)   : ${ms(full).toFixed(0)} ms, CPU ${cpu(full).toFixed(0)} ms, peak ${peak(full).toFixed(0)} MiB`);
console.log(`  every stack, cold (tsx main)  : ${ms(cold).toFixed(0)} ms, CPU ${cpu(cold).toFixed(0)} ms, peak ${peak(cold).toFixed(0)} MiB (${(ms(cold) / e).toFixed(2)}x)`);
console.log(`  synth ratio                   : ${ratio.toFixed(2)}x (target <= 2.00x, peak <= ${PEAK_MIB} MiB)`);
if (ratio > 2 || peak(full) > PEAK_MIB) {
  console.error(ratio > 2 ? "synth is over 2x the empty-app floor" : `synth peaks over ${PEAK_MIB} MiB`);
  process.exitCode = 1;
}
