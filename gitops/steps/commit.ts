/**
 * Step "commit": makes the promotion's one commit from what the diff step staged, with the gate in its
 * trailers. In pull-request mode a branch that already carries this change (same change key, not
 * merged, same `deployments/<env>/` as the plan on the current base) means a re-run: nothing is
 * committed. A stale branch of that name (merged, or made on another base) is left as it is and the
 * change goes to the next name (`...-<base short sha>`). Dry runs commit nothing.
 */
import { PromotionContext, Step, StepResult, skipped, succeeded } from "../context";
import { applyPlan, branchCandidates, sameTree } from "../plan-changes";
import { commitStaged, hasChanges } from "../step-helpers";

/** Makes the promotion's commit. */
export const commitStep: Step = {
  name: "commit",
  async run(ctx: PromotionContext): Promise<StepResult> {
    if (!hasChanges(ctx)) return skipped("nothing to commit");
    if (ctx.request.dryRun) return skipped("dry run: nothing committed");
    if (ctx.viaPullRequest) {
      const reuse = await pickBranch(ctx);
      if (reuse !== undefined) {
        ctx.branchExists = true;
        ctx.commit = reuse;
        return skipped(`${ctx.branch} already holds this change (${reuse.slice(0, 12)})`);
      }
    }
    const sha = await commitStaged(ctx);
    return succeeded(`${sha.slice(0, 12)} on ${ctx.viaPullRequest ? ctx.branch : ctx.request.base}`);
  },
};

/**
 * Sets ctx.branch to the first candidate name that is free or already carries this change; returns the
 * commit of a branch to reuse, or undefined when a new commit is to be pushed to a free name.
 */
async function pickBranch(ctx: PromotionContext): Promise<string | undefined> {
  const ws = ctx.workspace!;
  const env = ctx.request.env;
  const wanted = applyPlan(ctx.baseTree!, ctx.plan!);
  const stale: string[] = [];
  for (const name of branchCandidates(env, ctx.plan!, ctx.baseCommit!)) {
    if ((await ws.remoteBranch(name)) === undefined) {
      if (stale.length > 0) ctx.log(`commit: ${stale.join(", ")} exists but is stale; leaving it as it is and using ${name}`);
      ctx.branch = name;
      return undefined;
    }
    const tip = await ws.fetch(name);
    const tree = await ws.tree(tip, `deployments/${env}`);
    // Usable: the plan's content on the current base, and not merged already (GitHub refuses a PR from a
    // branch the base contains: "No commits between"). The tree first: the history check costs a fetch.
    if (sameTree(tree, wanted) && !(await ws.contains(ctx.baseCommit!, tip))) {
      ctx.branch = name;
      return tip;
    }
    stale.push(name);
  }
  throw new Error(
    `the pull request branches ${stale.join(" and ")} exist but neither carries this change on ${ctx.request.base} at ${ctx.baseCommit!.slice(0, 12)} ` +
      `(merged already, or made on another base); the promoter never rewrites a branch: delete the stale one and re-run`,
  );
}
