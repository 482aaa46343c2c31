/**
 * Step "push": a plain fast-forward push, never forced. When the branch moved (a non-fast-forward
 * rejection) it marks the context and throws a RetryableError: the engine retries the step (its one
 * retry mechanism), and the next attempt first fetches the new head, checks that nobody else changed
 * the files this promotion owns (else a ConflictError, nothing pushed), re-plans and re-commits on it.
 * Any other refusal (hook, branch protection, size) stops at once with the server's lines.
 */
import { PromotionContext, RetryPolicy, Step, StepResult, skipped, succeeded } from "../context";
import { ConflictError, RetryableError } from "../errors";
import { checkRebase } from "../plan-changes";
import { commitStaged, envPrefix, hasChanges, planAndStage, readBase } from "../step-helpers";

/** Pushes the promotion commit. */
export const pushStep: Step = {
  name: "push",
  retry(ctx: PromotionContext): RetryPolicy {
    // Racing promoters: short, growing, jittered waits so they do not collide again in lockstep.
    return { attempts: ctx.maxPushAttempts, delayMs: (attempt) => Math.floor(Math.random() * 50 * attempt) };
  },
  async run(ctx: PromotionContext): Promise<StepResult> {
    if (!hasChanges(ctx)) return skipped("nothing to push");
    if (ctx.request.dryRun) return skipped("dry run: nothing pushed");
    if (ctx.branchExists) return skipped(`${ctx.branch} is up to date`);
    const ws = ctx.workspace!;
    const branch = ctx.branch!;
    if (ctx.pushBehind && !ctx.viaPullRequest) {
      const done = await reapplyOnNewHead(ctx);
      if (done) return done;
    }
    ctx.pushAttempts++;
    if ((await ws.push(branch)) === "pushed") {
      ctx.pushed = true;
      ctx.pushBehind = false;
      return succeeded(`${ctx.commit!.slice(0, 12)} to ${branch}${ctx.pushAttempts > 1 ? ` after ${ctx.pushAttempts} attempts` : ""}`);
    }
    if (ctx.viaPullRequest && (await ws.remoteBranch(branch)) !== undefined) {
      // The branch name is the change's hash: if it appeared meanwhile, it holds this very change.
      ctx.branchExists = true;
      return skipped(`${branch} was pushed meanwhile with this change`);
    }
    ctx.pushBehind = true;
    throw new RetryableError(`push to ${branch} rejected: the remote keeps moving; nothing else was pushed`);
  },
};

/** Fetches the moved base, refuses a real conflict, and re-commits the promotion on the new head. */
async function reapplyOnNewHead(ctx: PromotionContext): Promise<StepResult | undefined> {
  const ws = ctx.workspace!;
  const branch = ctx.branch!;
  const oldTree = ctx.baseTree!;
  const head = await ws.fetch(ctx.request.base);
  const newTree = await ws.tree(head, envPrefix(ctx));
  const verdict = checkRebase(oldTree, newTree, ctx.desired!);
  if (!verdict.ok) {
    throw new ConflictError(
      `conflict: ${branch} moved and someone else changed ${verdict.conflicts.map((p) => `${envPrefix(ctx)}/${p}`).join(", ")} ` +
        `since ${ctx.baseCommit!.slice(0, 12)}; nothing pushed. Re-run the promotion to plan against the new head.`,
    );
  }
  ctx.log(`push: ${branch} moved to ${head.slice(0, 12)}; re-applying the promotion on it`);
  await ws.moveTo(head);
  await readBase(ctx);
  ctx.pushBehind = false;
  const plan = await planAndStage(ctx);
  if (plan.changes.length === 0) return skipped(`${branch} already holds this change (pushed by someone else)`);
  await commitStaged(ctx);
  return undefined;
}
