/** Step "fetch": a sparse shallow clone of the base, its tree and deployed manifests on the context. */
import { serializeManifest } from "../../../modules/core/model-manifest";
import { fetchStep } from "../../../gitops/steps/fetch";
import { createRemote, manifest, remoteLog } from "../helpers";
import { stepContext } from "./step-context";

describe("fetch step", () => {
  it("GIVEN a remote with deployments/dev THEN the context holds the base commit, the env tree and the valid and invalid manifests", async () => {
    const remote = createRemote({
      "deployments/dev/dags/a.py": "x = 1\n",
      "deployments/dev/models/model-api.json": serializeManifest(manifest("model-api", "1")),
      "deployments/dev/models/broken.json": "{ nope",
      "deployments/prod/dags/p.py": "p = 1\n",
    });
    const ctx = stepContext({ repoUrl: remote });
    const r = await fetchStep.run(ctx);
    expect(r.status).toBe("succeeded");
    expect(ctx.baseCommit).toBe(remoteLog(remote)[0]);
    expect([...ctx.baseTree!.keys()].sort()).toEqual(["dags/a.py", "models/broken.json", "models/model-api.json"]);
    expect(Object.keys(ctx.deployed!)).toEqual(["model-api"]);
    expect(ctx.deployedProblems!.map((p) => p.file)).toEqual(["deployments/dev/models/broken.json"]);
    ctx.workspace!.dispose();
  });

  it("GIVEN a --repo that is not a repository THEN one InputError line, exit 2", async () => {
    const ctx = stepContext({ repoUrl: "/nonexistent/x" });
    await expect(fetchStep.run(ctx)).rejects.toMatchObject({ name: "InputError", message: 'command line: --repo: expected a git repository (a URL or a local path), found "/nonexistent/x": no such file or folder' });
  });
});
