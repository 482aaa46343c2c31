/** A PromotionContext for one step's test: real temp folder, direct dev rules unless told otherwise. */
import { PromotionContext, PromotionRequest, Step, StepResult } from "../../../gitops/context";
import { tmp } from "../helpers";

/** Builds a context; `request` fields default to a direct promotion into dev on main. */
export function stepContext(request: Partial<PromotionRequest> & Pick<PromotionRequest, "repoUrl">, over: Partial<PromotionContext> = {}): PromotionContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    request: { kind: "promote", env: "dev", base: "main", dryRun: false, ...request },
    rules: { mode: "direct", gateThreshold: 0.01, primaryMetricDirection: "higher-is-better" },
    viaPullRequest: false,
    workRoot: tmp("step"),
    root: tmp("root"),
    maxPushAttempts: 3,
    log: (l) => lines.push(l),
    gate: [],
    notes: [],
    pushed: false,
    pushAttempts: 0,
    lines,
    ...over,
  };
}

/** Runs steps in order directly (no engine), returning each result. */
export async function runDirect(ctx: PromotionContext, ...steps: Step[]): Promise<StepResult[]> {
  const out: StepResult[] = [];
  for (const s of steps) out.push(await s.run(ctx));
  return out;
}
