/**
 * The promoter's error kinds and the exit code each one maps to, plus credential redaction.
 * Classifies failures so the engine knows what to retry; it does not print anything itself.
 */
import { ConfigProblem, formatProblem } from "../modules/core/errors";

/** Exit codes of `npm run promote`, as the issue fixes them. */
export const EXIT = { ok: 0, failure: 1, invalidInput: 2, gateHeld: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Bad input (a manifest, a DAG, an option): terminal, never retried, exit 2, nothing pushed. */
export class InputError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "InputError";
  }
}

/** The metric gate held at least one model: exit 3, nothing pushed. The message shows both numbers. */
export class GateHeldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GateHeldError";
  }
}

/** Someone else changed the same files between our fetch and our push: stop, nothing pushed, exit 1. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/**
 * The server refused a push for another reason than a moved branch (a pre-receive hook, branch
 * protection, a file too large): terminal, exit 1, never retried. The message carries the server's lines.
 */
export class PushRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PushRefusedError";
  }
}

/** Trouble worth another try (a rejected push, a network error, a 5xx). The engine retries it with a bound. */
export class RetryableError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = "RetryableError";
  }
}

/** The exit code for any error the promoter may end with. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof InputError) return EXIT.invalidInput;
  if (error instanceof GateHeldError) return EXIT.gateHeld;
  return EXIT.failure;
}

/** Removes credentials from URLs (`https://user:token@host` → `https://***@host`) and any known token value. */
export function redact(text: string, secrets: readonly (string | undefined)[] = [process.env.GITHUB_TOKEN]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1***@");
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("***");
  }
  return out;
}
