/**
 * What `npm run synth` and `cdktf synth` run. With a fresh synth snapshot (see build.cjs) it starts
 * Node from that snapshot, which skips loading and evaluating ~9 MB of provider code; otherwise it
 * runs main.ts under tsx exactly as before and, outside CI, builds the snapshot in the background
 * for the next run. From the snapshot the stacks are synthesized in MLOPS_SYNTH_PARTS processes
 * (default: 2 where a second core is idle; synth-parts.ts). The output is the same either way
 * (test/scripts/synth-cache.test.ts compares bytes). MLOPS_SYNTH_CACHE=off never uses or builds a snapshot.
 */
"use strict";
const { spawn, spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { ROOT, CACHE_DIR, freshSnapshot } = require("./cache-key.cjs");

const enabled = process.env.MLOPS_SYNTH_CACHE !== "off";
const blob = enabled && !changesV8Flags(process.env.NODE_OPTIONS) ? freshSnapshot() : undefined;
const parts = process.env.MLOPS_SYNTH_PARTS || String(defaultParts());
const run = blob
  ? spawnSync(process.execPath, ["--snapshot-blob", blob], {
      stdio: "inherit",
      env: { ...process.env, MLOPS_SYNTH_ROOT: ROOT, MLOPS_SYNTH_CWD: process.cwd(), MLOPS_SYNTH_BLOB: blob, MLOPS_SYNTH_PARTS: parts },
    })
  : spawnSync(path.join(ROOT, "node_modules", ".bin", "tsx"), [path.join(ROOT, "main.ts")], { stdio: "inherit" });

if (!blob && enabled && run.status === 0 && !process.env.CI) startBackgroundBuild();
process.exitCode = run.status ?? 128 + (os.constants.signals[run.signal] ?? 1);

/**
 * Whether NODE_OPTIONS holds anything beyond `--require` preloads and Node's own warning options. A snapshot only
 * starts under the V8 flags it was built with (build.cjs builds it without NODE_OPTIONS): with
 * `--max-old-space-size=4096` Node refused it ("Failed to load the startup snapshot", exit 14) and synth
 * failed. Such options take the cold path, which honours them; only speed is lost.
 */
function changesV8Flags(nodeOptions) {
  // Each takes a module path. Not --import or --loader: a snapshot's start skips them without a word.
  const preloads = new Set(["--require", "-r"]);
  const nodeOnly = new Set(["--no-deprecation", "--no-warnings", "--trace-warnings", "--trace-deprecation", "--enable-source-maps", "--unhandled-rejections"]);
  const words = (nodeOptions ?? "").trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const name = words[i].replace(/=.*$/, "");
    if (preloads.has(name)) {
      if (!words[i].includes("=")) i++;
    } else if (!nodeOnly.has(name)) {
      return true;
    }
  }
  return false;
}

/**
 * Two processes where a second core is idle, else one: a second process costs ~0.4-0.5 s more CPU
 * in all (its own snapshot start and environment loading; its code comes compiled from the snapshot's
 * warm-up), which only pays off when it runs beside the first instead of queueing behind other work
 * (measured on a loaded 2-core host: 2.6 s of CPU in two processes against 2.2 s in one).
 */
function defaultParts() {
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  return cores >= 2 && os.loadavg()[0] < cores - 0.5 ? 2 : 1;
}

/** One builder at a time: a lock file, taken over when older than the longest build (2 min). */
function startBackgroundBuild() {
  const lock = path.join(CACHE_DIR, "build.lock");
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    const age = fs.existsSync(lock) ? Date.now() - fs.statSync(lock).mtimeMs : Infinity;
    if (age < 120_000) return;
    fs.writeFileSync(lock, String(process.pid));
    const child = spawn(
      process.execPath,
      ["-e", `require(${JSON.stringify(path.join(__dirname, "build.cjs"))}).buildSnapshot().catch(() => {}).finally(() => require("fs").rmSync(${JSON.stringify(lock)}, { force: true }))`],
      { detached: true, stdio: "ignore", cwd: ROOT },
    );
    child.unref();
  } catch {
    // A cache that cannot be written only costs speed.
  }
}
