/** How a promotion run ended, decided from a few facts of its context. Pure. */
import { exitCodeOf, EXIT, ExitCode } from "./errors";

/** The outcomes a run reports (`--json` outcome field, summary line). */
export type Outcome = "promoted" | "proposed" | "nothing-to-do" | "dry-run" | "invalid-input" | "gate-held" | "failed";

/** What the outcome is decided from. */
export interface OutcomeFacts {
  /** The error that stopped the run. @default - none */
  readonly error?: Error;
  /** The plan holds at least one change git would store. */
  readonly hasChanges: boolean;
  readonly dryRun: boolean;
  readonly viaPullRequest: boolean;
  /** A commit reached the remote. */
  readonly pushed: boolean;
  /** The pull request branch already carried this change. */
  readonly branchExists: boolean;
}

/** The outcome and its exit code: 0 done or nothing to do, 2 invalid input, 3 gate held, 1 anything else. */
export function decideOutcome(f: OutcomeFacts): { readonly outcome: Outcome; readonly exitCode: ExitCode } {
  if (f.error) {
    const exitCode = exitCodeOf(f.error);
    return { exitCode, outcome: exitCode === EXIT.invalidInput ? "invalid-input" : exitCode === EXIT.gateHeld ? "gate-held" : "failed" };
  }
  if (!f.hasChanges) return { exitCode: EXIT.ok, outcome: "nothing-to-do" };
  if (f.dryRun) return { exitCode: EXIT.ok, outcome: "dry-run" };
  if (f.viaPullRequest) return { exitCode: EXIT.ok, outcome: f.pushed || f.branchExists ? "proposed" : "nothing-to-do" };
  return { exitCode: EXIT.ok, outcome: f.pushed ? "promoted" : "nothing-to-do" };
}
