/**
 * Step "fetch": clones the target repository's base branch into the run's temp folder, shallow and
 * sparse (only `deployments/<env>/`, plus `deployments/<from>/` for --from-env), then reads the
 * environment's tree and deployed manifests. Rollback clones the full history (still blob-filtered).
 */
import * as path from "path";
import { PromotionContext, Step, StepResult, succeeded } from "../context";
import { readManifestFolder } from "../../modules/core/deployed-manifests";
import { GitWorkspace } from "../git-transport";

/** Clones the target and records the base commit, tree and deployed manifests. */
export const clone: Step = {
  name: "fetch",
  async run(ctx: PromotionContext): Promise<StepResult> {
    const req = ctx.request;
    const sparse = [`deployments/${req.env}`];
    if (req.fromEnv) sparse.push(`deployments/${req.fromEnv}`);
    ctx.workspace?.dispose();
    const dir = path.join(ctx.workRoot, `clone-${Date.now()}`);
    ctx.workspace = await GitWorkspace.clone({ url: req.repoUrl, branch: req.base, dir, sparse, fullHistory: req.rollback !== undefined });
    await readBase(ctx);
    return succeeded(`${req.base} at ${ctx.baseCommit!.slice(0, 12)}: ${ctx.baseTree!.size} files in deployments/${req.env}/`);
  },
};

/** Reads the base commit, `deployments/<env>/` tree and deployed manifests of the clone's work tree. */
export async function readBase(ctx: PromotionContext): Promise<void> {
  const ws = ctx.workspace!;
  ctx.baseCommit = await ws.head();
  ctx.baseTree = await ws.tree(ctx.baseCommit, `deployments/${ctx.request.env}`);
  const deployed = readManifestFolder(path.join(ws.dir, "deployments", ctx.request.env, "models"), ws.dir);
  ctx.deployed = deployed.manifests;
  ctx.deployedProblems = deployed.problems;
}
