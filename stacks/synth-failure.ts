/**
 * How synth reports a failure: the lines to print and the exit code. Bad input is one line per
 * problem (file, field, expected, found; a construct's path in place of file and field); only an
 * internal error, a bug of the suite, shows a stack.
 */
import { ConfigError, ValidationError } from "../modules/core/errors";

/** Synth's exit codes (README "Synth exit codes"). */
export const SYNTH_EXIT = {
  /** stacks written */
  ok: 0,
  /** an internal error (a bug); nothing written */
  internal: 1,
  /** bad input: configuration, environment files, CDKTF_ENV, the output folder, a construct's props; nothing written */
  badInput: 2,
  /** policy violations; nothing written */
  policy: 3,
} as const;

/** The stderr lines and exit code for an error thrown while synthesizing. */
export function describeFailure(e: unknown): { readonly lines: string[]; readonly code: number } {
  if (e instanceof ConfigError) {
    const n = e.problems.length;
    return { lines: [...e.message.split("\n"), `synth failed: ${n} configuration problem${n === 1 ? "" : "s"}; nothing written`], code: SYNTH_EXIT.badInput };
  }
  if (e instanceof ValidationError) {
    // "[dev-gcp/ci] message": the construct path takes the place of file and field.
    const m = /^\[([^\]]*)\] ([\s\S]*)$/.exec(e.message);
    const line = m ? `construct ${m[1]}: ${m[2]}` : e.message;
    return { lines: [line.replace(/\s*\n\s*/g, " "), "synth failed: a construct refused its configuration; nothing written"], code: SYNTH_EXIT.badInput };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const frames = (err.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  return {
    lines: [`synth failed with an internal error (a bug of the suite; nothing written): ${err.name}: ${err.message}`, ...frames],
    code: SYNTH_EXIT.internal,
  };
}
