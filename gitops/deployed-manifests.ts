/** Reads the promoted model manifests of one environment (deployments/<env>/models/*.json) for the stacks. */
import * as fs from "fs";
import * as path from "path";
import { ConfigProblem } from "../modules/core/errors";
import { zodProblems } from "../modules/core/zod-problems";
import { ModelManifest, modelManifestSchema } from "./manifest";

export interface DeployedManifests {
  readonly manifests: Record<string, ModelManifest>;
  readonly problems: ConfigProblem[];
}

/** Manifests keyed by model name; a missing folder means nothing promoted yet. */
export function readDeployedManifests(deploymentsDir: string, env: string, root: string = process.cwd()): DeployedManifests {
  return readManifestFolder(path.join(deploymentsDir, env, "models"), root);
}

/**
 * Reads and validates every `<name>.json` in one folder (a promotion source's `models/` or an
 * environment's). File names in problems are relative to `root`. A missing folder holds nothing.
 */
export function readManifestFolder(dir: string, root: string = process.cwd()): DeployedManifests {
  const manifests: Record<string, ModelManifest> = {};
  const problems: ConfigProblem[] = [];
  if (!fs.existsSync(dir)) return { manifests, problems };
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".json")).sort()) {
    const file = path.relative(root, path.join(dir, f));
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8"));
    } catch (e) {
      problems.push({ file, field: "", expected: "valid JSON", found: (e as Error).message });
      continue;
    }
    const parsed = modelManifestSchema.safeParse(data);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error, data));
      continue;
    }
    if (`${parsed.data.name}.json` !== f) {
      problems.push({ file, field: "name", expected: `${JSON.stringify(f.replace(/\.json$/, ""))} (the file's name)`, found: JSON.stringify(parsed.data.name) });
      continue;
    }
    manifests[parsed.data.name] = parsed.data;
  }
  return { manifests, problems };
}
