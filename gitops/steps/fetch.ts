/**
 * Step "fetch": clones the target repository's base branch into the run's temp folder, shallow and
 * sparse: the work tree holds only `deployments/<env>/models/` (the deployed manifests the gate reads),
 * plus `deployments/<from>/` for --from-env; the DAGs stay in git (the index knows their blob ids,
 * which is all the diff needs). Then reads the environment's tree and deployed manifests. Rollback
 * clones the full history (still blob-filtered).
 * The clone needs nothing from the source, so a `--source` promotion starts it (startFetch) before the
 * source is validated and the two run side by side; this step then takes the clone over.
 */
import * as path from "path";
import { PendingFetch, PromotionContext, Step, StepResult, succeeded } from "../context";
import { GitWorkspace } from "../git-workspace";
import { readBaseOf, setBase } from "../step-helpers";

/** Clones the target and records the base commit, tree and deployed manifests. */
export const fetchStep: Step = {
  name: "fetch",
  async run(ctx: PromotionContext): Promise<StepResult> {
    const req = ctx.request;
    // An early clone serves the first attempt only: a retry clones afresh.
    const pending = ctx.pendingFetch ?? startFetch(ctx);
    ctx.pendingFetch = undefined;
    ctx.workspace?.dispose();
    ctx.workspace = undefined;
    const fetched = await pending.result;
    ctx.workspace = fetched.workspace;
    setBase(ctx, fetched.base);
    return succeeded(`${req.base} at ${ctx.baseCommit!.slice(0, 12)}: ${ctx.baseTree!.size} files in deployments/${req.env}/`);
  },
};

/**
 * Starts the clone and the reading of its base without touching the context (a failed validation
 * leaves the context as if nothing was fetched). Its failure is the fetch step's to report: until
 * then it is held, not thrown.
 */
export function startFetch(ctx: PromotionContext): PendingFetch {
  const req = ctx.request;
  const sparse = [`deployments/${req.env}/models`];
  if (req.fromEnv) sparse.push(`deployments/${req.fromEnv}`);
  const dir = path.join(ctx.workRoot, `clone-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  const stop = new AbortController();
  let cloned: GitWorkspace | undefined;
  const result = (async () => {
    const workspace = await GitWorkspace.clone({ url: req.repoUrl, branch: req.base, dir, sparse, fullHistory: req.rollback !== undefined, signal: stop.signal });
    cloned = workspace;
    return { workspace, base: await readBaseOf(workspace, req.env) };
  })();
  // Held for the step; an early clone nobody takes over (validation failed) must not crash the process.
  result.catch(() => undefined);
  return {
    result,
    async cancel() {
      stop.abort();
      await result.catch(() => undefined);
      cloned?.dispose();
    },
  };
}
