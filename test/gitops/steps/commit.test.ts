/** Step "commit": one commit of exactly the staged plan, with the gate and notes in its message. */
import { commitStep } from "../../../gitops/steps/commit";
import { diffStep } from "../../../gitops/steps/diff";
import { fetchStep } from "../../../gitops/steps/fetch";
import { validateStep } from "../../../gitops/steps/validate";
import { createRemote, git, makeSource, manifest } from "../helpers";
import { runDirect, stepContext } from "./step-context";

describe("commit step", () => {
  it("GIVEN a plan THEN one local commit holds exactly its files and the message carries the trailers", async () => {
    const remote = createRemote();
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": "x = 1\n" }, models: [manifest("model-api", "1")] }) });
    const [, , , commit] = await runDirect(ctx, validateStep, fetchStep, diffStep, commitStep);
    expect(commit.status).toBe("succeeded");
    const dir = ctx.workspace!.dir;
    expect(git(dir, "show", "--name-only", "--format=", ctx.commit!).trim().split("\n")).toEqual(["deployments/dev/dags/a.py", "deployments/dev/models/model-api.json"]);
    expect(git(dir, "log", "-1", "--format=%(trailers:key=Promotion-Env,valueonly)").trim()).toBe("dev");
    ctx.workspace!.dispose();
  });

  it("GIVEN a dry run THEN nothing is committed", async () => {
    const remote = createRemote();
    const ctx = stepContext({ repoUrl: remote, dryRun: true, sourceDir: makeSource({ dags: { "a.py": "x = 1\n" } }) });
    const [, , , commit] = await runDirect(ctx, validateStep, fetchStep, diffStep, commitStep);
    expect(commit.status).toBe("skipped");
    expect(ctx.commit).toBeUndefined();
  });
});
