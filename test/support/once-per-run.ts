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

/** Where `key`'s result lives, and its lock and markers. */
function slot(key: string): { base: string; folder: string; done: string; failed: string; lock: string } {
  const runDir = process.env.MLOPS_TEST_TMPDIR;
  const base = runDir ? path.join(runDir, "once", key) : fs.mkdtempSync(path.join(os.tmpdir(), `once-${key}-`));
  fs.mkdirSync(base, { recursive: true });
  return { base, folder: path.join(base, "result"), done: path.join(base, "done"), failed: path.join(base, "failed"), lock: path.join(base, "lock") };
}

/** Takes the lock folder: true for the one caller that builds. */
function takeLock(lock: string): boolean {
  try {
    fs.mkdirSync(lock);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    return false;
  }
}

/** Whether another worker's build finished; throws its error when it failed, or when it outlasted WAIT_MS. */
function finished(key: string, s: ReturnType<typeof slot>, deadline: number): boolean {
  if (fs.existsSync(s.done)) return true;
  if (fs.existsSync(s.failed)) throw new Error(`${key} failed in another test worker:\n${fs.readFileSync(s.failed, "utf8")}`);
  if (Date.now() > deadline) throw new Error(`${key} did not finish within ${WAIT_MS / 1000} s in another test worker (${s.base})`);
  return false;
}

/**
 * The folder of `key`'s result, built by `build(folder)` on first use in this run. Callers in the same
 * process share one promise; other workers wait on the lock folder.
 */
export function oncePerRun(key: string, build: (folder: string) => Promise<void>): Promise<string> {
  let pending = local.get(key);
  if (!pending) {
    pending = acquire(key, build);
    local.set(key, pending);
  }
  return pending;
}

async function acquire(key: string, build: (folder: string) => Promise<void>): Promise<string> {
  const s = slot(key);
  if (!takeLock(s.lock)) {
    for (const deadline = Date.now() + WAIT_MS; !finished(key, s, deadline); ) await new Promise((resolve) => setTimeout(resolve, 100));
    return s.folder;
  }
  try {
    fs.mkdirSync(s.folder);
    await build(s.folder);
  } catch (e) {
    fs.writeFileSync(s.failed, (e as Error).message);
    throw e;
  }
  fs.writeFileSync(s.done, "");
  return s.folder;
}

/** The same for a synchronous build, for callers that run at a test file's load (the waiting blocks the worker). */
export function oncePerRunSync(key: string, build: (folder: string) => void): string {
  const s = slot(key);
  if (!takeLock(s.lock)) {
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    for (const deadline = Date.now() + WAIT_MS; !finished(key, s, deadline); ) Atomics.wait(sleeper, 0, 0, 100);
    return s.folder;
  }
  try {
    fs.mkdirSync(s.folder);
    build(s.folder);
  } catch (e) {
    fs.writeFileSync(s.failed, (e as Error).message);
    throw e;
  }
  fs.writeFileSync(s.done, "");
  return s.folder;
}
