/** A temp `deployments/` folder holding promoted model manifests, as the promoter would leave it. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ModelManifest, serializeManifest } from "../../modules/core/model-manifest";

/** Writes `<dir>/<env>/models/<name>.json` for each manifest given per environment; returns the folder. */
export function promotedDeployments(byEnv: Readonly<Record<string, Partial<ModelManifest> & { digest: string }>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
  for (const [env, { digest, ...rest }] of Object.entries(byEnv)) {
    const manifest: ModelManifest = {
      name: "model-api",
      version: "1.4.0",
      image: `registry.example.com/mlops/model-api@${digest}`,
      metrics: { auc: 0.91, f1: 0.84 },
      primaryMetric: "auc",
      sourceCommit: "0123456789abcdef0123456789abcdef01234567",
      createdAt: "2026-11-25T10:00:00Z",
      ...rest,
    };
    fs.mkdirSync(path.join(dir, env, "models"), { recursive: true });
    fs.writeFileSync(path.join(dir, env, "models", `${manifest.name}.json`), serializeManifest(manifest));
  }
  return dir;
}
