/**
 * Runs promotion steps in order over one context. A step's thrown error decides what happens:
 * bad input, a held gate and a conflict are terminal (failed, never retried); a RetryableError is
 * retried a bounded number of times with backoff, then the run is errored. It prints progress lines
 * through the context's log and nothing else.
 */
import { ConflictError, GateHeldError, InputError, PushRefusedError, RetryableError, redact } from "./errors";
import { PromotionContext, RetryPolicy, Step, StepResult } from "./context";

/** Bounds on retrying I/O. */
export interface EngineOptions {
  /** Attempts per step for retryable errors. @default 3 */
  readonly attempts?: number;
  /** First backoff delay; doubled each time. @default 200 */
  readonly backoffMs?: number;
}

/** The step results in order, and the error that stopped the run, if any. */
export interface EngineResult {
  readonly steps: readonly { readonly name: string; readonly result: StepResult; readonly ms: number }[];
  readonly error?: Error;
}

const isTerminal = (e: unknown): boolean => e instanceof InputError || e instanceof GateHeldError || e instanceof ConflictError || e instanceof PushRefusedError;

/** The default policy: `attempts` tries, waits of backoffMs, 2x, 4x... */
export function exponentialBackoff(attempts: number, backoffMs: number): RetryPolicy {
  return { attempts, delayMs: (attempt) => backoffMs * 2 ** (attempt - 1) };
}

/** Runs `steps` in order; stops at the first failed or errored step. */
export async function runSteps(steps: readonly Step[], ctx: PromotionContext, opts: EngineOptions = {}): Promise<EngineResult> {
  const fallback = exponentialBackoff(opts.attempts ?? 3, opts.backoffMs ?? 200);
  const done: { name: string; result: StepResult; ms: number }[] = [];
  for (const step of steps) {
    const t0 = Date.now();
    const policy = step.retry?.(ctx) ?? fallback;
    let result: StepResult | undefined;
    for (let attempt = 1; result === undefined; attempt++) {
      try {
        result = await step.run(ctx);
      } catch (e) {
        let error = e instanceof Error ? e : new Error(String(e));
        if (isTerminal(error)) {
          result = { status: "failed", summary: firstLine(error.message), error };
        } else if (error instanceof RetryableError && attempt < policy.attempts) {
          ctx.log(`${step.name}: ${redact(firstLine(error.message))}; retrying (${attempt}/${policy.attempts - 1})`);
          await sleep(policy.delayMs(attempt));
        } else {
          if (error instanceof RetryableError && policy.attempts > 1) error = new Error(`${error.message} (gave up after ${attempt} attempts)`);
          result = { status: "errored", summary: redact(firstLine(error.message)), error };
        }
      }
    }
    const ms = Date.now() - t0;
    done.push({ name: step.name, result, ms });
    ctx.log(`${step.name}: ${result.status} - ${result.summary} (${ms} ms)`);
    if (result.status === "failed" || result.status === "errored") return { steps: done, error: result.error ?? new Error(result.summary) };
  }
  return { steps: done };
}

function firstLine(s: string): string {
  const lines = s.split("\n");
  return lines.length > 1 ? `${lines[0]} (+${lines.length - 1} more)` : lines[0];
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
