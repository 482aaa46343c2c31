/**
 * Step "push" against real bare remotes: a moved branch is re-applied through the engine's retry; any
 * other refusal (a pre-receive hook here) stops at once with the server's own lines.
 */
import * as fs from "fs";
import * as path from "path";
import { runSteps } from "../../../gitops/engine";
import { commitStep } from "../../../gitops/steps/commit";
import { diffStep } from "../../../gitops/steps/diff";
import { fetchStep } from "../../../gitops/steps/fetch";
import { pushStep } from "../../../gitops/steps/push";
import { validateStep } from "../../../gitops/steps/validate";
import { commitToRemote, createRemote, makeSource, manifest, remoteFiles, remoteLog } from "../helpers";
import { stepContext } from "./step-context";

/** A pre-receive hook that refuses every push with two lines of its own. */
function refuseWithHook(bare: string): void {
  const hook = path.join(bare, "hooks", "pre-receive");
  fs.writeFileSync(hook, "#!/bin/sh\necho 'GL-HOOK-ERR: deployments/dev/dags/big.bin is 120 MB; the limit is 100 MB'\necho 'see https://docs.example.com/limits'\nexit 1\n");
  fs.chmodSync(hook, 0o755);
}

describe("push step", () => {
  it("GIVEN a pre-receive hook refusing the push THEN it stops at once, exit 1, showing the server's lines, one attempt", async () => {
    const remote = createRemote();
    const head = remoteLog(remote)[0];
    refuseWithHook(remote);
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": "x = 1\n" } }) }, { maxPushAttempts: 10 });
    const run = await runSteps([validateStep, fetchStep, diffStep, commitStep, pushStep], ctx, { backoffMs: 1 });
    expect(run.error?.name).toBe("PushRefusedError");
    expect(run.error?.message).toContain("remote: GL-HOOK-ERR: deployments/dev/dags/big.bin is 120 MB; the limit is 100 MB");
    expect(run.error?.message).toContain("remote: see https://docs.example.com/limits");
    expect(run.error?.message).toMatch(/pre-receive hook declined/);
    expect(run.error?.message).not.toMatch(/keeps moving/);
    expect(ctx.pushAttempts).toBe(1);
    expect(remoteLog(remote)[0]).toBe(head);
  });

  it("GIVEN the branch moved after the commit THEN the engine retries the step, which re-applies on the new head", async () => {
    const remote = createRemote();
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "1")] }) });
    await runSteps([validateStep, fetchStep, diffStep, commitStep], ctx);
    commitToRemote(remote, { "deployments/dev/models/churn.json": JSON.stringify(manifest("churn", "1")) }, [], "someone else");
    const run = await runSteps([pushStep], ctx);
    expect(run.error).toBeUndefined();
    expect(ctx.pushAttempts).toBe(2);
    expect(ctx.lines.join("\n")).toMatch(/push: push to main rejected: the remote keeps moving; nothing else was pushed; retrying \(1\/2\)/);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["models/churn.json", "models/model-api.json"]);
  });

  it("GIVEN the branch keeps moving THEN it gives up after maxPushAttempts, saying so", async () => {
    const remote = createRemote();
    let n = 0;
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "1")] }) }, { maxPushAttempts: 2 });
    await runSteps([validateStep, fetchStep, diffStep, commitStep], ctx);
    const log = ctx.log;
    // Someone else lands a commit before every push attempt: after the first and after each re-apply.
    const move = () => commitToRemote(remote, { [`deployments/dev/models/m${n++}.json`]: "{}" }, [], "someone else");
    move();
    const moving = { ...ctx, log: (l: string) => (log(l), / re-applying the promotion on it$/.test(l) && move()) };
    const run = await runSteps([pushStep], moving);
    expect(run.error?.message).toBe("push to main rejected: the remote keeps moving; nothing else was pushed (gave up after 2 attempts)");
    expect(moving.pushAttempts).toBe(2);
  });
});
