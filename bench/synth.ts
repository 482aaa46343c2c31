/**
 * Synth benchmark: times `tsx main.ts` (every stack of every environment) against an empty cdktf
 * app in the same run, several alternating runs, and prints medians, peak memory and the ratio.
 * Target (issue 3): all stacks within 2x the empty-app floor. Exits 1 when over, so CI can gate on it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function once(script: string): { ms: number; rssMiB: number } {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  const rssFile = path.join(scratch, "rss");
  const start = process.hrtime.bigint();
  const r = spawnSync(TSX, [script], {
    cwd: ROOT,
    env: {
      ...process.env,
      CHECKPOINT_DISABLE: "1",
      CDKTF_OUTDIR: path.join(scratch, "out"),
      BENCH_RSS_FILE: rssFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${path.join(__dirname, "report-rss.cjs")}`.trim(),
    },
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr}`);
  const rss = fs.readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
  fs.rmSync(scratch, { recursive: true, force: true });
  return { ms, rssMiB: Math.max(...rss) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const empty: { ms: number; rssMiB: number }[] = [];
const full: { ms: number; rssMiB: number }[] = [];
once(path.join(__dirname, "empty-app.ts")); // warm the disk cache for both
once(path.join(ROOT, "main.ts"));
for (let i = 0; i < RUNS; i++) {
  empty.push(once(path.join(__dirname, "empty-app.ts")));
  full.push(once(path.join(ROOT, "main.ts")));
}
const e = median(empty.map((x) => x.ms));
const f = median(full.map((x) => x.ms));
const ratio = f / e;
console.log(`synth benchmark, ${RUNS} runs each (median)`);
console.log(`  empty cdktf app : ${e.toFixed(0)} ms, peak ${median(empty.map((x) => x.rssMiB)).toFixed(0)} MiB`);
console.log(`  every stack     : ${f.toFixed(0)} ms, peak ${median(full.map((x) => x.rssMiB)).toFixed(0)} MiB`);
console.log(`  ratio           : ${ratio.toFixed(2)}x (target <= 2.00x)`);
if (ratio > 2) {
  console.error("synth is over 2x the empty-app floor");
  process.exitCode = 1;
}
