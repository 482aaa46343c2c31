/**
 * What a run may do with the environment's deployed manifests, decided before anything is committed.
 * A retire names a model the environment has; a broken deployed manifest (invalid JSON or schema) is
 * replaced by a valid promotion or removed by a retire, saying so, and otherwise only reported. Pure.
 */
import { ConfigProblem, formatProblem } from "../modules/core/errors";
import { InputError } from "./errors";
import { modelPath } from "./plan-changes";

/** The facts the check reads. */
export interface DeployedFacts {
  readonly env: string;
  /** The model `retire` removes. @default - not a retire */
  readonly retire?: string;
  /** Models whose manifest the plan writes or removes. */
  readonly planModels: readonly string[];
  /** Valid deployed manifests by model name. */
  readonly deployed: ReadonlySet<string>;
  /** Problems of deployed manifests, file names relative to the clone (`deployments/<env>/models/x.json`). */
  readonly problems: readonly ConfigProblem[];
}

/** The verdict: which models' broken manifests this run replaces (their problems), and notes to show. */
export interface DeployedVerdict {
  readonly replacesBroken: ReadonlyMap<string, readonly ConfigProblem[]>;
  readonly notes: readonly string[];
}

/** Checks a run against what is deployed; a retire of a model that is not deployed is an InputError (exit 2). */
export function checkDeployed(f: DeployedFacts): DeployedVerdict {
  const brokenOf = (model: string) => f.problems.filter((p) => p.file.endsWith(`/${modelPath(model)}`) || p.file === modelPath(model));
  const brokenModels = [...new Set(f.problems.map((p) => /models\/([^/]+)\.json$/.exec(p.file)?.[1]).filter((m): m is string => m !== undefined))];
  if (f.retire !== undefined && !f.deployed.has(f.retire) && brokenOf(f.retire).length === 0) {
    const have = [...new Set([...f.deployed, ...brokenModels])].sort();
    throw new InputError([
      {
        file: "command line",
        field: "--model",
        expected: have.length > 0 ? `a model deployed in ${f.env} (${have.join(", ")})` : `a model deployed in ${f.env} (it runs none)`,
        found: JSON.stringify(f.retire),
      },
    ]);
  }
  const replacesBroken = new Map<string, readonly ConfigProblem[]>();
  const notes: string[] = [];
  for (const model of f.planModels) {
    const broken = brokenOf(model);
    if (broken.length === 0) continue;
    replacesBroken.set(model, broken);
    const verb = model === f.retire ? "removes" : "replaces";
    notes.push(`${verb} the invalid deployed manifest of ${model}: ${broken.map(formatProblem).join("; ")}`);
  }
  return { replacesBroken, notes };
}
