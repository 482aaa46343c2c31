/** Step "diff": the plan as git stores it, the deployed check and the gate, on the context. */
import { serializeManifest } from "../../../modules/core/model-manifest";
import { diffStep } from "../../../gitops/steps/diff";
import { fetchStep } from "../../../gitops/steps/fetch";
import { validateStep } from "../../../gitops/steps/validate";
import { createRemote, makeSource, manifest } from "../helpers";
import { runDirect, stepContext } from "./step-context";

describe("diff step", () => {
  it("GIVEN * text=auto and a CRLF DAG stored as LF THEN the plan is empty (git would store the same blob)", async () => {
    const remote = createRemote({ ".gitattributes": "* text=auto\n", "deployments/dev/dags/a.py": "x = 1\n" });
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": "x = 1\r\n" } }) });
    const [, , diff] = await runDirect(ctx, validateStep, fetchStep, diffStep);
    expect(diff.status).toBe("skipped");
    expect(ctx.plan!.changes).toEqual([]);
  });

  it("GIVEN a broken deployed manifest and a valid promotion of it THEN the plan replaces it and a note says so", async () => {
    const remote = createRemote({ "deployments/dev/models/model-api.json": "{ nope" });
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "2")] }) });
    const [, , diff] = await runDirect(ctx, validateStep, fetchStep, diffStep);
    expect(diff.status).toBe("succeeded");
    expect(ctx.plan!.changed).toEqual(["models/model-api.json"]);
    expect(ctx.notes).toEqual([expect.stringMatching(/^replaces the invalid deployed manifest of model-api: deployments\/dev\/models\/model-api.json: \(root\): expected valid JSON/)]);
    expect(ctx.gate[0].reason).toMatch(/^the deployed manifest is invalid, nothing to compare \(replaced\); /);
  });

  it("GIVEN an enforced gate and a worse candidate THEN GateHeldError before anything is committed", async () => {
    const remote = createRemote({ "deployments/dev/models/model-api.json": serializeManifest(manifest("model-api", "1", { auc: 0.9 })) });
    const ctx = stepContext({ repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "2", { auc: 0.8 })] }) }, { rules: { mode: "pull-request", gateThreshold: 0.01, primaryMetricDirection: "higher-is-better" }, viaPullRequest: true });
    await runDirect(ctx, validateStep, fetchStep);
    await expect(diffStep.run(ctx)).rejects.toMatchObject({ name: "GateHeldError" });
    expect(ctx.commit).toBeUndefined();
  });
});
