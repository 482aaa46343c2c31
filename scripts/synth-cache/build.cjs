/**
 * Builds the synth snapshot: bundles main.ts and everything it imports with esbuild, then lets
 * Node evaluate the bundle into a V8 startup snapshot (`--build-snapshot`). Writes into
 * node_modules/.cache/mlops-synth/ atomically (blob first, then meta.json with the cache key), so a
 * launcher never sees a half-built snapshot. Run by the launcher in the background after a synth
 * that found no fresh snapshot, or directly: `node scripts/synth-cache/build.cjs`.
 */
"use strict";
const { spawnSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { ROOT, CACHE_DIR, BLOB, META, cacheKey } = require("./cache-key.cjs");

// Bundled code runs from one file, so each module's own folder is written in as a literal.
const keepDirname = {
  name: "keep-dirname",
  setup(build) {
    build.onLoad({ filter: /\.(ts|js|cjs)$/ }, (args) => {
      const source = fs.readFileSync(args.path, "utf8");
      if (!/\b__(dirname|filename)\b/.test(source)) return undefined;
      const contents = source
        .replace(/\b__dirname\b/g, JSON.stringify(path.dirname(args.path)))
        .replace(/\b__filename\b/g, JSON.stringify(args.path));
      return { contents, loader: args.path.endsWith(".ts") ? "ts" : "js" };
    });
  },
};

// A snapshot's require reaches only built-ins; at run time the entry installs a real one here.
const requireShim = [
  "var __snapshotRequire = require;",
  "require = Object.assign(function (id) { return (globalThis.__mlopsRequire || __snapshotRequire)(id); }, __snapshotRequire);",
].join("\n");

/** esbuild's options for an environment file; snapshot-entry.ts uses the same ones at run time. */
const ENV_TRANSFORM = { loader: "ts", format: "cjs" };

/** Key of a compiled environment file: its base name and its source. */
function envKey(file, source) {
  return crypto.createHash("sha256").update(`${path.basename(file)}\0${source}`).digest("hex");
}

/**
 * The project's environment files compiled now, by the SHA-256 of name and source: a run whose file
 * has exactly that content uses the compiled code instead of starting esbuild's service (~0.1-0.2 s);
 * any other content (edited, another MLOPS_ENVIRONMENTS_DIR, a syntax error) is compiled at run time
 * as before. esbuild names the module's variables after the file's base name, so it is part of the key.
 */
function compiledEnvironments(esbuild) {
  const dir = path.join(ROOT, "environments");
  const compiled = {};
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith(".ts") && !n.endsWith(".d.ts"))) {
    const source = fs.readFileSync(path.join(dir, f), "utf8");
    try {
      const file = path.join(dir, f);
      compiled[envKey(file, source)] = esbuild.transformSync(source, { ...ENV_TRANSFORM, sourcefile: file }).code;
    } catch {
      // Left to the run, which reports it exactly as the cold path does.
    }
  }
  return compiled;
}

/** Bundles, snapshots and publishes; returns the cache key. Throws with Node's output on failure. */
async function buildSnapshot() {
  const esbuild = require("esbuild");
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE_DIR, "build-"));
  try {
    const bundle = path.join(work, "synth.cjs");
    const started = Date.now();
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: [path.join(__dirname, "snapshot-entry.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: `node${process.versions.node.split(".")[0]}`,
      outfile: bundle,
      metafile: true,
      // The build's id lets a parallel synth check its helpers run this very snapshot (synth-parts.ts).
      banner: {
        js: `${requireShim}\nglobalThis.__mlopsCompiledEnvironments = ${JSON.stringify(compiledEnvironments(esbuild))};\nglobalThis.__mlopsSnapshotBuild = ${JSON.stringify(crypto.randomUUID())};`,
      },
      plugins: [keepDirname],
      logLevel: "error",
    });
    const inputs = Object.keys(result.metafile.inputs)
      .filter((f) => !f.startsWith("node_modules/"))
      .sort();
    // An input edited while esbuild read it would give a snapshot of old code under the new key.
    const edited = inputs.filter((f) => fs.statSync(path.join(ROOT, f)).mtimeMs >= started - 1000);
    if (edited.length > 0) throw new Error(`not published: edited during the build: ${edited.join(", ")}`);
    const key = cacheKey(inputs);
    const blob = path.join(work, "synth.blob");
    const r = spawnSync(process.execPath, ["--snapshot-blob", blob, "--build-snapshot", bundle], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    if (r.status !== 0) throw new Error(`snapshot build failed:\n${r.stderr}`);
    fs.renameSync(blob, BLOB);
    fs.writeFileSync(`${META}.tmp`, JSON.stringify({ key, inputs }, null, 1));
    fs.renameSync(`${META}.tmp`, META);
    return key;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

module.exports = { buildSnapshot };

if (require.main === module) {
  buildSnapshot().then(
    (key) => console.log(`synth snapshot built (${key.slice(0, 12)})`),
    (e) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
