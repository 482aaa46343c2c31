/**
 * Where the synth snapshot lives and whether it still matches the code. The key hashes the Node
 * version, the lock file and every project file the bundle was built from, so any edit, install
 * or Node upgrade makes the snapshot stale; environment files and deployments are read at run
 * time and are not part of it.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..", "..");
// MLOPS_SYNTH_CACHE_DIR moves it (tests build into a temp folder).
const CACHE_DIR = process.env.MLOPS_SYNTH_CACHE_DIR || path.join(ROOT, "node_modules", ".cache", "mlops-synth");
const BLOB = path.join(CACHE_DIR, "synth.blob");
const META = path.join(CACHE_DIR, "meta.json");

/** Hash of the Node version, the lock file and the given project files (paths relative to ROOT). */
function cacheKey(inputs, root = ROOT) {
  const h = crypto.createHash("sha256");
  // ROOT too: the snapshot holds absolute paths of this checkout.
  h.update(`${process.version}\0${process.arch}\0${root}\0`);
  for (const rel of ["package-lock.json", ...inputs]) {
    h.update(`${rel}\0`);
    h.update(fs.readFileSync(path.join(root, rel)));
  }
  return h.digest("hex");
}

/** The snapshot blob when it matches the code on disk, else undefined. Never throws. */
function freshSnapshot() {
  try {
    const meta = JSON.parse(fs.readFileSync(META, "utf8"));
    if (!fs.existsSync(BLOB) || cacheKey(meta.inputs) !== meta.key) return undefined;
    return BLOB;
  } catch {
    return undefined;
  }
}

module.exports = { ROOT, CACHE_DIR, BLOB, META, cacheKey, freshSnapshot };
