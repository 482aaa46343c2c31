/**
 * Work done once per jest run and shared by every suite that needs it, across workers: the first caller
 * of a key creates a lock folder and builds, the others wait for its `done` marker (or fail with its
 * error instead of timing out). Results live in the run's temp folder (MLOPS_TEST_TMPDIR, set by
 * test/global-setup.js and removed with the run); outside a jest run each process builds for itself.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Building can take minutes on a machine shared by several test runs; the limit only catches a hang. */
const WAIT_MS = 600_000;

const local = new Map<string, Promise<string>>();

/**
 * The folder of `key`'s result, built by `build(folder)` on first use in this run. Callers in the same
 * process share one promise; other workers wait on the lock folder.
 */
export function onceInRun(key: string, build: (folder: string) => Promise<void>): Promise<string> {
  let pending = local.get(key);
  if (!pending) {
    pending = acquire(key, build);
    local.set(key, pending);
  }
  return pending;
}

async function acquire(key: string, build: (folder: string) => Promise<void>): Promise<string> {
  const runDir = process.env.MLOPS_TEST_TMPDIR;
  const base = runDir ? path.join(runDir, "once", key) : fs.mkdtempSync(path.join(os.tmpdir(), `once-${key}-`));
  const folder = path.join(base, "result");
  const done = path.join(base, "done");
  const failed = path.join(base, "failed");
  fs.mkdirSync(base, { recursive: true });
  try {
    fs.mkdirSync(path.join(base, "lock"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    for (const deadline = Date.now() + WAIT_MS; !fs.existsSync(done); ) {
      if (fs.existsSync(failed)) throw new Error(`${key} failed in another test worker:\n${fs.readFileSync(failed, "utf8")}`);
      if (Date.now() > deadline) throw new Error(`${key} did not finish within ${WAIT_MS / 1000} s in another test worker (${base})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return folder;
  }
  try {
    fs.mkdirSync(folder);
    await build(folder);
  } catch (e) {
    fs.writeFileSync(failed, (e as Error).message);
    throw e;
  }
  fs.writeFileSync(done, "");
  return folder;
}
