/**
 * Step "commit": writes the plan into the clone and makes the promotion's one commit, with the gate in
 * its trailers. In pull-request mode a branch that already carries this change (same change key) means
 * a re-run: nothing is committed. Dry runs commit nothing.
 */
import { PromotionContext, Step, StepResult, hasChanges, skipped, succeeded } from "../context";
import { commitMessage, PromotionSummary } from "../describe";

/** The summary the commit message and PR body are built from. */
export function summaryOf(ctx: PromotionContext): PromotionSummary {
  const req = ctx.request;
  return {
    env: req.env,
    sourceLabel: ctx.sourceLabel ?? "source",
    plan: ctx.plan!,
    gate: ctx.gate,
    versions: Object.fromEntries((ctx.source?.manifests ?? []).map((m) => [m.name, m.version])),
    reason: req.rollback?.reason ?? req.retire?.reason,
    kind: req.kind,
  };
}

/** Applies the plan to the work tree and commits it. */
export async function applyAndCommit(ctx: PromotionContext): Promise<string> {
  const ws = ctx.workspace!;
  await ws.apply(`deployments/${ctx.request.env}`, ctx.plan!.changes);
  ctx.commit = await ws.commit(commitMessage(summaryOf(ctx)));
  return ctx.commit;
}

/** Makes the promotion's commit. */
export const commitStep: Step = {
  name: "commit",
  async run(ctx: PromotionContext): Promise<StepResult> {
    if (!hasChanges(ctx)) return skipped("nothing to commit");
    if (ctx.request.dryRun) return skipped("dry run: nothing committed");
    if (ctx.viaPullRequest) {
      const existing = await ctx.workspace!.remoteBranch(ctx.branch!);
      if (existing !== undefined) {
        ctx.branchExists = true;
        ctx.commit = existing;
        return skipped(`${ctx.branch} already holds this change (${existing.slice(0, 12)})`);
      }
    }
    const sha = await applyAndCommit(ctx);
    return succeeded(`${sha.slice(0, 12)} on ${ctx.viaPullRequest ? ctx.branch : ctx.request.base}`);
  },
};
