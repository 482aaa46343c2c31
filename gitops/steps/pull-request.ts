/**
 * Step "pull request": for pull-request promotions, finds the open pull request for the branch
 * (Kargo's getExistingPR) and updates its title and body, or opens one. Never a second PR for the
 * same change. Direct promotions and dry runs skip it.
 */
import { PromotionContext, Step, StepResult, skipped, succeeded } from "../context";
import { pullRequestBody, title } from "../describe";
import { hasChanges, summaryOf } from "../step-helpers";

/** Opens or updates the promotion's pull request. */
export const pullRequestStep: Step = {
  name: "pull request",
  async run(ctx: PromotionContext): Promise<StepResult> {
    if (!ctx.viaPullRequest) return skipped("direct mode: no pull request");
    if (!hasChanges(ctx)) return skipped("nothing to propose");
    if (ctx.request.dryRun) return skipped("dry run: no pull request");
    const gh = ctx.github!;
    const summary = summaryOf(ctx);
    const wanted = { title: title(summary), body: pullRequestBody(summary) };
    const existing = await gh.findOpenPull(ctx.branch!, ctx.request.base);
    if (existing) {
      if (existing.title === wanted.title && existing.body === wanted.body) {
        ctx.pullRequest = { ...existing, action: "unchanged" };
        return skipped(`#${existing.number} is up to date: ${existing.url}`);
      }
      ctx.pullRequest = { ...(await gh.updatePull(existing.number, wanted)), action: "updated" };
      return succeeded(`updated #${existing.number}: ${existing.url}`);
    }
    const pr = await gh.createPull({ head: ctx.branch!, base: ctx.request.base, ...wanted });
    ctx.pullRequest = { ...pr, action: "opened" };
    return succeeded(`opened #${pr.number}: ${pr.url}`);
  },
};
