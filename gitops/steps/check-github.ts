/**
 * Step "check github": before a pull-request promotion pushes its branch, checks that the GitHub API
 * answers, the repository exists and the token may push and open pull requests (each call bounded by
 * the client's timeout and retries). A dry run checks too, so it ends as the real run would.
 */
import { PromotionContext, Step, StepResult, skipped, succeeded } from "../context";
import { hasChanges } from "../step-helpers";

/** Checks GitHub access for pull-request promotions. */
export const checkGithubStep: Step = {
  name: "check github",
  async run(ctx: PromotionContext): Promise<StepResult> {
    if (!ctx.viaPullRequest) return skipped("direct mode: GitHub not needed");
    if (!hasChanges(ctx)) return skipped("nothing to propose");
    await ctx.github!.checkAccess();
    return succeeded("the API answers, the repository exists and the token may push and open pull requests");
  },
};
