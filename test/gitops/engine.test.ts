/** The engine: runs steps in order, stops at the first failure, retries only RetryableError within the policy. */
import { PromotionContext, Step, StepResult, skipped, succeeded } from "../../gitops/context";
import { runSteps } from "../../gitops/engine";
import { ConflictError, GateHeldError, InputError, PushRefusedError, RetryableError } from "../../gitops/errors";
import { stepContext } from "./steps/step-context";

/** A step that throws the given errors on its first calls, then succeeds; counts its calls. */
function flaky(name: string, errors: Error[], retry?: Step["retry"]): Step & { calls: number } {
  const s = {
    name,
    calls: 0,
    retry,
    async run(): Promise<StepResult> {
      const e = errors[s.calls++];
      if (e) throw e;
      return succeeded(`${name} done`);
    },
  };
  return s;
}

const input = () => new InputError([{ file: "f", field: "x", expected: "y", found: "z" }]);

describe("runSteps", () => {
  let ctx: PromotionContext & { lines: string[] };
  beforeEach(() => {
    ctx = stepContext({ repoUrl: "unused" });
  });

  const cases: [string, Error[], { status: string; calls: number; error?: string }][] = [
    ["no error: succeeded once", [], { status: "succeeded", calls: 1 }],
    ["a RetryableError, then success: retried", [new RetryableError("net")], { status: "succeeded", calls: 2 }],
    ["RetryableErrors beyond the attempts: errored, saying so", [new RetryableError("net"), new RetryableError("net"), new RetryableError("net")], { status: "errored", calls: 3, error: "net (gave up after 3 attempts)" }],
    ["an InputError: failed, never retried", [input()], { status: "failed", calls: 1, error: "f: x: expected y, found z" }],
    ["a GateHeldError: failed, never retried", [new GateHeldError("held")], { status: "failed", calls: 1, error: "held" }],
    ["a ConflictError: failed, never retried", [new ConflictError("conflict")], { status: "failed", calls: 1, error: "conflict" }],
    ["a PushRefusedError: failed, never retried", [new PushRefusedError("refused")], { status: "failed", calls: 1, error: "refused" }],
    ["any other error: errored, never retried", [new Error("bug")], { status: "errored", calls: 1, error: "bug" }],
  ];
  it.each(cases)("%s", async (_n, errors, want) => {
    const step = flaky("s", errors);
    const run = await runSteps([step], ctx, { backoffMs: 1 });
    expect({ status: run.steps[0].result.status, calls: step.calls, error: run.error?.message }).toEqual(want);
  });

  it("GIVEN a failed step THEN later steps do not run", async () => {
    const later = flaky("later", []);
    const run = await runSteps([flaky("first", [input()]), later], ctx);
    expect(run.steps.map((s) => s.name)).toEqual(["first"]);
    expect(later.calls).toBe(0);
  });

  it("GIVEN a step with its own retry policy THEN the engine uses its attempts and waits", async () => {
    const waits: number[] = [];
    const step = flaky("push", [new RetryableError("moved"), new RetryableError("moved"), new RetryableError("moved"), new RetryableError("moved")], () => ({
      attempts: 5,
      delayMs: (a) => (waits.push(a), 0),
    }));
    const run = await runSteps([step], ctx);
    expect(run.error).toBeUndefined();
    expect(step.calls).toBe(5);
    expect(waits).toEqual([1, 2, 3, 4]);
  });

  it("prints one progress line per step and one per retry", async () => {
    await runSteps([flaky("a", [new RetryableError("net down")]), { name: "b", run: async () => skipped("nothing") }], ctx, { backoffMs: 1 });
    expect(ctx.lines.map((l) => l.replace(/\(\d+ ms\)/, "(ms)"))).toEqual(["a: net down; retrying (1/2)", "a: succeeded - a done (ms)", "b: skipped - nothing (ms)"]);
  });
});
