/** Reading an environment's manifests (what the stacks deploy): links are never followed. */
import * as fs from "fs";
import * as path from "path";
import { readDeployedManifests } from "../../../modules/core/deployed-manifests";
import { serializeManifest } from "../../../modules/core/model-manifest";
import { manifest, tmp } from "../../gitops/helpers";

describe("readDeployedManifests", () => {
  it("GIVEN deployments/dev/models/<name>.json files THEN they are read by model name", () => {
    const root = tmp("deployments");
    fs.mkdirSync(path.join(root, "dev", "models"), { recursive: true });
    fs.writeFileSync(path.join(root, "dev", "models", "model-api.json"), serializeManifest(manifest("model-api", "1")));
    const r = readDeployedManifests(root, "dev", root);
    expect(Object.keys(r.manifests)).toEqual(["model-api"]);
    expect(r.problems).toEqual([]);
  });

  it("GIVEN a manifest that is a symbolic link THEN it is a problem, not read", () => {
    const root = tmp("deployments");
    const outside = path.join(tmp("outside"), "model-api.json");
    fs.writeFileSync(outside, serializeManifest(manifest("model-api", "1")));
    fs.mkdirSync(path.join(root, "dev", "models"), { recursive: true });
    fs.symlinkSync(outside, path.join(root, "dev", "models", "model-api.json"));
    const r = readDeployedManifests(root, "dev", root);
    expect(r.manifests).toEqual({});
    expect(r.problems).toEqual([{ file: "dev/models/model-api.json", field: "", expected: "a model manifest file", found: "a symbolic link (links are not promoted)" }]);
  });

  it("GIVEN models/ that is a symbolic link THEN it is a problem, not read", () => {
    const root = tmp("deployments");
    const outside = tmp("outside");
    fs.writeFileSync(path.join(outside, "model-api.json"), serializeManifest(manifest("model-api", "1")));
    fs.mkdirSync(path.join(root, "dev"), { recursive: true });
    fs.symlinkSync(outside, path.join(root, "dev", "models"));
    const r = readDeployedManifests(root, "dev", root);
    expect(r.manifests).toEqual({});
    expect(r.problems).toEqual([{ file: "dev/models", field: "", expected: "a folder of <name>.json model manifests", found: "a symbolic link (links are not promoted)" }]);
  });
});
