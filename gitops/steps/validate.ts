/**
 * Step "validate": reads what the promotion moves and rejects bad input before anything is pushed.
 * `--source`: the folder (first; the clone runs meanwhile and is not used here). `--from-env`: `deployments/<from>/` of the clone.
 * `rollback`: the manifest version from the environment's history. `retire`: only the model name.
 * Every problem is an InputError (exit 2), never retried. A DAG set is also checked for what Airflow
 * would refuse (gitops/dag-checks.ts: duplicate dag_id, an import neither in the set nor declared);
 * its warnings (a heavy library imported at the top) are printed and do not stop the promotion.
 */
import * as path from "path";
import { ConfigProblem, formatProblem } from "../../modules/core/errors";
import { checkDags } from "../dag-checks";
import { zodProblems } from "../../modules/core/zod-problems";
import { PromotionContext, Step, StepResult, succeeded } from "../context";
import { InputError } from "../errors";
import { ModelManifest, modelManifestSchema } from "../../modules/core/model-manifest";
import { modelPath } from "../plan-changes";
import { PromotionSource, readSource } from "../source";

/** Validates the source of the promotion and puts it on the context. */
export const validateStep: Step = {
  name: "validate",
  async run(ctx: PromotionContext): Promise<StepResult> {
    const req = ctx.request;
    if (req.retire) {
      ctx.source = { manifests: [] };
      ctx.sourceLabel = "retire";
      return succeeded(`retire ${req.retire.model} from ${req.env}`);
    }
    if (req.rollback) {
      const m = await findVersion(ctx, req.rollback.model, req.rollback.toVersion);
      ctx.source = { manifests: [m] };
      ctx.sourceLabel = `rollback to ${m.name} ${m.version}`;
      return succeeded(`found ${m.name} ${m.version} in the history of deployments/${req.env}/`);
    }
    let reading;
    let dagsAt: string;
    if (req.sourceDir !== undefined) {
      dagsAt = path.relative(ctx.root, path.join(path.resolve(req.sourceDir), "dags")) || "dags";
      reading = await readSource(path.resolve(req.sourceDir), ctx.root, { allowEmptyDags: req.allowEmptyDags, maxDagFileBytes: req.maxDagFileBytes });
      ctx.sourceLabel = `source ${path.basename(path.resolve(req.sourceDir))}`;
    } else if (req.fromEnv !== undefined) {
      const ws = need(ctx);
      dagsAt = `deployments/${req.fromEnv}/dags`;
      reading = await readSource(path.join(ws.dir, "deployments", req.fromEnv), ws.dir, { requireContent: false, allowEmptyDags: req.allowEmptyDags, maxDagFileBytes: req.maxDagFileBytes });
      ctx.sourceLabel = `env ${req.fromEnv}`;
    } else {
      throw new InputError([{ file: "command line", field: "--source / --from-env", expected: "one of them", found: "neither" }]);
    }
    if (reading.problems.length > 0) throw new InputError(reading.problems);
    ctx.source = filterModels(reading.source, req.models);
    if (ctx.source.dags) {
      const checked = await checkDags(ctx.source.dags, { label: (p) => `${dagsAt}/${p}`, reading: reading.source.python });
      for (const w of checked.warnings) ctx.log(`validate: warning: ${formatProblem(w)}`);
      if (checked.problems.length > 0) throw new InputError(checked.problems);
    }
    const dags = ctx.source.dags ? `${ctx.source.dags.size} DAG files` : "no dags/ (DAGs left alone)";
    return succeeded(`${ctx.source.manifests.length} manifests (${ctx.source.manifests.map((m) => `${m.name} ${m.version}`).join(", ") || "none"}), ${dags}`);
  },
};

function need(ctx: PromotionContext) {
  if (!ctx.workspace) throw new Error("internal: validate needs the clone for this kind of promotion");
  return ctx.workspace;
}

/** Keeps only the models asked for with --model; a name the source lacks is bad input. */
function filterModels(source: PromotionSource, models: readonly string[] | undefined): PromotionSource {
  if (!models || models.length === 0) return source;
  const have = new Set(source.manifests.map((m) => m.name));
  const missing = models.filter((m) => !have.has(m));
  if (missing.length > 0) {
    throw new InputError(missing.map((m) => ({ file: "command line", field: "--model", expected: `a model the source holds (${[...have].join(", ") || "none"})`, found: JSON.stringify(m) })));
  }
  // Naming models means "these manifests only": the DAG set is left alone.
  return { manifests: source.manifests.filter((m) => models.includes(m.name)) };
}

/** The newest manifest in the environment's history with that version. */
async function findVersion(ctx: PromotionContext, model: string, version: string): Promise<ModelManifest> {
  const ws = need(ctx);
  const file = `deployments/${ctx.request.env}/${modelPath(model)}`;
  const seen: string[] = [];
  const problems: ConfigProblem[] = [];
  for (const commit of await ws.fileHistory(file)) {
    const content = await ws.show(commit, file);
    if (content === undefined) continue; // deleted in that commit
    let data: unknown;
    try {
      data = JSON.parse(content.toString("utf8"));
    } catch {
      continue;
    }
    const parsed = modelManifestSchema.safeParse(data);
    if (!parsed.success) {
      if (typeof data === "object" && data !== null && (data as { version?: unknown }).version === version) {
        problems.push(...zodProblems(`${file} at ${commit.slice(0, 12)}`, parsed.error, data));
      }
      continue;
    }
    if (parsed.data.version === version) return parsed.data;
    if (!seen.includes(parsed.data.version)) seen.push(parsed.data.version);
  }
  if (problems.length > 0) throw new InputError(problems);
  throw new InputError([
    {
      file,
      field: "version",
      expected: seen.length ? `a version from its history in ${ctx.request.env} (${seen.join(", ")})` : `a model deployed in ${ctx.request.env} at some point (it has no history there)`,
      found: JSON.stringify(version),
    },
  ]);
}
