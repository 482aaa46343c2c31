/**
 * Step "fetch": clones the target repository's base branch into the run's temp folder, shallow and
 * sparse: the work tree holds only `deployments/<env>/models/` (the deployed manifests the gate reads),
 * plus `deployments/<from>/` for --from-env; the DAGs stay in git (the index knows their blob ids,
 * which is all the diff needs). Then reads the environment's tree and deployed manifests. Rollback
 * clones the full history (still blob-filtered).
 */
import * as path from "path";
import { PromotionContext, Step, StepResult, succeeded } from "../context";
import { GitWorkspace } from "../git-workspace";
import { readBase } from "../step-helpers";

/** Clones the target and records the base commit, tree and deployed manifests. */
export const fetchStep: Step = {
  name: "fetch",
  async run(ctx: PromotionContext): Promise<StepResult> {
    const req = ctx.request;
    const sparse = [`deployments/${req.env}/models`];
    if (req.fromEnv) sparse.push(`deployments/${req.fromEnv}`);
    ctx.workspace?.dispose();
    const dir = path.join(ctx.workRoot, `clone-${Date.now()}`);
    ctx.workspace = await GitWorkspace.clone({ url: req.repoUrl, branch: req.base, dir, sparse, fullHistory: req.rollback !== undefined });
    await readBase(ctx);
    return succeeded(`${req.base} at ${ctx.baseCommit!.slice(0, 12)}: ${ctx.baseTree!.size} files in deployments/${req.env}/`);
  },
};
