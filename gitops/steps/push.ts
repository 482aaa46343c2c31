/**
 * Step "push": a plain fast-forward push, never forced. When the remote moved (rejected push) it fetches
 * the new head, checks that nobody else changed the files this promotion owns (else a ConflictError,
 * nothing pushed), re-plans and re-commits on the new head, and tries again, a bounded number of times.
 */
import { PromotionContext, Step, StepResult, hasChanges, skipped, succeeded } from "../context";
import { readBase } from "./clone";
import { applyAndCommit } from "./commit";
import { sleep } from "../engine";
import { ConflictError, RetryableError } from "../errors";
import { checkRebase, planChanges } from "../plan-changes";

/** Pushes the promotion commit. */
export const pushStep: Step = {
  name: "push",
  async run(ctx: PromotionContext): Promise<StepResult> {
    if (!hasChanges(ctx)) return skipped("nothing to push");
    if (ctx.request.dryRun) return skipped("dry run: nothing pushed");
    if (ctx.branchExists) return skipped(`${ctx.branch} is up to date`);
    const ws = ctx.workspace!;
    const branch = ctx.branch!;
    for (let attempt = 1; attempt <= ctx.maxPushAttempts; attempt++) {
      ctx.pushAttempts = attempt;
      if (await ws.push(branch)) {
        ctx.pushed = true;
        return succeeded(`${ctx.commit!.slice(0, 12)} to ${branch}${attempt > 1 ? ` after ${attempt} attempts` : ""}`);
      }
      if (ctx.viaPullRequest) {
        // The branch name is the change's hash: if it appeared meanwhile, it holds this very change.
        if ((await ws.remoteBranch(branch)) !== undefined) {
          ctx.branchExists = true;
          return skipped(`${branch} was pushed meanwhile with this change`);
        }
        throw new RetryableError(`push to ${branch} was rejected`);
      }
      ctx.log(`push: rejected, ${branch} moved; fetching and re-applying (attempt ${attempt}/${ctx.maxPushAttempts})`);
      const oldTree = ctx.baseTree!;
      const head = await ws.fetch(ctx.request.base);
      const newTree = await ws.tree(head, `deployments/${ctx.request.env}`);
      const verdict = checkRebase(oldTree, newTree, ctx.desired!);
      if (!verdict.ok) {
        throw new ConflictError(
          `conflict: ${branch} moved and someone else changed ${verdict.conflicts.map((p) => `deployments/${ctx.request.env}/${p}`).join(", ")} ` +
            `since ${ctx.baseCommit!.slice(0, 12)}; nothing pushed. Re-run the promotion to plan against the new head.`,
        );
      }
      await ws.moveTo(head);
      await readBase(ctx);
      ctx.plan = planChanges(ctx.baseTree!, ctx.desired!);
      if (ctx.plan.changes.length === 0) return skipped(`${branch} already holds this change (pushed by someone else)`);
      await applyAndCommit(ctx);
      await sleep(Math.floor(Math.random() * 50 * attempt));
    }
    // Already a bounded retry loop: not a RetryableError, so the engine does not multiply the bound.
    throw new Error(`push to ${branch} rejected ${ctx.maxPushAttempts} times: the remote keeps moving; nothing else was pushed`);
  },
};
