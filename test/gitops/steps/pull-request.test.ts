/** Step "pull request": opens one, finds it again unchanged, updates a stale body; skips direct mode. */
import { PromotionContext } from "../../../gitops/context";
import { createGitHub } from "../../../gitops/github-client";
import { planChanges } from "../../../gitops/plan-changes";
import { pullRequestStep } from "../../../gitops/steps/pull-request";
import { GitHubFake } from "../github-fake";
import { stepContext } from "./step-context";

const TOKEN = "ghp_steptoken0123456789";

describe("pull request step", () => {
  let fake: GitHubFake;
  beforeEach(async () => {
    fake = await GitHubFake.start({ owner: "acme", repo: "mlops", token: TOKEN });
  });
  afterEach(() => fake.close());

  function ctxFor(): PromotionContext {
    const plan = planChanges(new Map(), { models: new Map([["model-api", { blob: "a".repeat(40), content: Buffer.from("{}") }]]) });
    return stepContext(
      { repoUrl: "unused", env: "staging" },
      { viaPullRequest: true, plan, branch: "promote/staging/model-api-12345678", github: createGitHub({ owner: "acme", repo: "mlops", token: TOKEN, baseUrl: fake.url, throttle: false }), sourceLabel: "env dev" },
    );
  }

  it("GIVEN no open PR THEN it opens one; run again THEN unchanged; a stale body THEN updated", async () => {
    const first = ctxFor();
    expect((await pullRequestStep.run(first)).status).toBe("succeeded");
    expect(first.pullRequest?.action).toBe("opened");
    const again = ctxFor();
    expect((await pullRequestStep.run(again)).status).toBe("skipped");
    expect(again.pullRequest?.action).toBe("unchanged");
    fake.pulls[0].body = "edited";
    const stale = ctxFor();
    await pullRequestStep.run(stale);
    expect(stale.pullRequest?.action).toBe("updated");
    expect(fake.pulls).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it("GIVEN direct mode THEN it skips without calling GitHub", async () => {
    const ctx = { ...ctxFor(), viaPullRequest: false };
    expect((await pullRequestStep.run(ctx)).status).toBe("skipped");
    expect(fake.requests).toEqual([]);
  });
});
