/**
 * Runs the promoter CLI for tests: in-process through `main()` (no tsx start, the same code path from
 * argv to exit code), or as a real process where the process boundary is what a test is about (exit
 * status, signals, --json as the only thing on stdout).
 */
import { execFile } from "child_process";
import * as path from "path";
import { main } from "../../gitops/cli";
import { PROJECT_ROOT } from "./helpers";

/** What a run printed and how it ended. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real command: `tsx gitops/cli.ts`. */
export const TSX = path.join(PROJECT_ROOT, "node_modules", ".bin", "tsx");
export const CLI = path.join(PROJECT_ROOT, "gitops", "cli.ts");

/** How to run: extra environment (INIT_CWD is cleared unless given), and the folder it runs in. */
export interface CliOptions {
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

/**
 * `main(args)` in this process, output captured. `env` is set on process.env for the run and restored
 * after it: concurrent runs must agree on it (the racing test passes none).
 */
export async function cliInProcess(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = { INIT_CWD: "", ...opts.env };
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let stdout = "";
  let stderr = "";
  try {
    const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: opts.cwd ?? PROJECT_ROOT });
    return { code, stdout, stderr };
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** `tsx gitops/cli.ts args` as a child process. */
export function cliProcess(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(TSX, [CLI, ...args], { cwd: opts.cwd ?? PROJECT_ROOT, env: { ...process.env, INIT_CWD: "", ...opts.env }, encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
