/**
 * The promoter's temporary folders (clones live there) and the abort signal of its git processes,
 * so that Ctrl-C or SIGTERM can stop git and remove every folder a run made (a clone may be large).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const live = new Set<string>();
const controller = new AbortController();

/** Aborted when the process is interrupted: simple-git kills the git processes it runs. */
export const interruptSignal: AbortSignal = controller.signal;

/** A new folder under the system temp folder, removed by removeTempFolder or on interruption. */
export function makeTempFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  live.add(dir);
  return dir;
}

/** Removes a folder made by makeTempFolder. */
export function removeTempFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

/** Stops running git processes and removes every live temp folder (called from the signal handlers). */
export function abortAndClean(): void {
  controller.abort();
  for (const dir of live) removeTempFolder(dir);
}

/** The folders not removed yet (tests). */
export function liveTempFolders(): readonly string[] {
  return [...live];
}
