/** Step "validate": the source on the context, or an InputError before anything else runs. */
import * as path from "path";
import { validateStep } from "../../../gitops/steps/validate";
import { makeSource, manifest } from "../helpers";
import { stepContext } from "./step-context";

describe("validate step", () => {
  it("GIVEN a source folder THEN its DAGs and manifests are on the context", async () => {
    const src = makeSource({ dags: { "a.py": "x = 1\n" }, models: [manifest("model-api", "1")] });
    const ctx = stepContext({ repoUrl: "unused", sourceDir: src });
    const r = await validateStep.run(ctx);
    expect(r.status).toBe("succeeded");
    expect([...ctx.source!.dags!.keys()]).toEqual(["a.py"]);
    expect(ctx.source!.manifests.map((m) => m.name)).toEqual(["model-api"]);
    expect(ctx.sourceLabel).toBe(`source ${path.basename(src)}`);
  });

  it("GIVEN --model naming a model the source lacks THEN an InputError listing what it holds", async () => {
    const ctx = stepContext({ repoUrl: "unused", sourceDir: makeSource({ models: [manifest("model-api", "1")] }), models: ["churn"] });
    await expect(validateStep.run(ctx)).rejects.toMatchObject({ name: "InputError", message: 'command line: --model: expected a model the source holds (model-api), found "churn"' });
  });

  it("GIVEN a retire THEN no source is read and nothing is required", async () => {
    const ctx = stepContext({ repoUrl: "unused", kind: "retire", retire: { model: "churn", reason: "replaced by model-api" } });
    expect((await validateStep.run(ctx)).status).toBe("succeeded");
    expect(ctx.source).toEqual({ manifests: [] });
  });
});
