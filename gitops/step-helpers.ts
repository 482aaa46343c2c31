/**
 * Helpers the promotion steps share, so that no step imports another: reading the base of the clone,
 * planning and staging the change as git stores it, the words of the commit, and committing.
 * Each reads and writes only the context.
 */
import * as path from "path";
import { ConfigProblem } from "../modules/core/errors";
import { readManifestFolder } from "../modules/core/deployed-manifests";
import { ModelManifest } from "../modules/core/model-manifest";
import { PromotionContext } from "./context";
import { GitWorkspace } from "./git-workspace";
import { PromotionSummary, commitMessage } from "./describe";
import { ChangePlan, EnvTree, asStored, planChanges } from "./plan-changes";

/** `deployments/<env>`: the folder of the repository a promotion owns. */
export function envPrefix(ctx: PromotionContext): string {
  return `deployments/${ctx.request.env}`;
}

/** What a clone's base holds for one environment (see readBase). */
export interface BaseReading {
  readonly baseCommit: string;
  readonly baseTree: EnvTree;
  readonly deployed: Record<string, ModelManifest>;
  readonly deployedProblems: readonly ConfigProblem[];
}

/** Reads the base commit, the `deployments/<env>/` tree and the deployed manifests of a clone's work tree. */
export async function readBaseOf(ws: GitWorkspace, env: string): Promise<BaseReading> {
  const baseCommit = await ws.head();
  const baseTree = await ws.tree(baseCommit, `deployments/${env}`);
  const deployed = readManifestFolder(path.join(ws.dir, "deployments", env, "models"), ws.dir);
  return { baseCommit, baseTree, deployed: deployed.manifests, deployedProblems: deployed.problems };
}

/** Puts a base reading on the context. */
export function setBase(ctx: PromotionContext, base: BaseReading): void {
  ctx.baseCommit = base.baseCommit;
  ctx.baseTree = base.baseTree;
  ctx.deployed = base.deployed;
  ctx.deployedProblems = base.deployedProblems;
}

/** Reads the base commit, the `deployments/<env>/` tree and the deployed manifests of the clone's work tree. */
export async function readBase(ctx: PromotionContext): Promise<void> {
  setBase(ctx, await readBaseOf(ctx.workspace!, ctx.request.env));
}

/**
 * Plans ctx.desired against ctx.baseTree, writes and stages the files that differ byte-wise, then reads
 * back what git staged (its own conversion: .gitattributes, core.autocrlf) and re-plans on those blobs.
 * The plan is therefore what the commit will hold: a change git would not store is no change, and an
 * empty plan means no commit. Costs one `git add` and one `git diff --cached` when anything differs.
 */
export async function planAndStage(ctx: PromotionContext): Promise<ChangePlan> {
  const raw = planChanges(ctx.baseTree!, ctx.desired!);
  if (raw.changes.length === 0) {
    ctx.plan = raw;
    return raw;
  }
  const ws = ctx.workspace!;
  await ws.apply(envPrefix(ctx), raw.changes);
  const staged = await ws.staged(envPrefix(ctx));
  ctx.desired = asStored(ctx.desired!, raw.changes, staged, ctx.baseTree!);
  ctx.plan = planChanges(ctx.baseTree!, ctx.desired);
  return ctx.plan;
}

/** The summary the commit message and PR body are built from. */
export function summaryOf(ctx: PromotionContext): PromotionSummary {
  const req = ctx.request;
  return {
    env: req.env,
    sourceLabel: ctx.sourceLabel ?? "source",
    plan: ctx.plan!,
    gate: ctx.gate,
    versions: Object.fromEntries((ctx.source?.manifests ?? []).map((m) => [m.name, m.version])),
    reason: req.rollback?.reason ?? req.retire?.reason,
    kind: req.kind,
    notes: ctx.notes,
  };
}

/** Commits what planAndStage staged, with the promotion's message; records ctx.commit. */
export async function commitStaged(ctx: PromotionContext): Promise<string> {
  ctx.commit = await ctx.workspace!.commit(commitMessage(summaryOf(ctx)));
  return ctx.commit;
}

/** True when there is a plan with at least one change. */
export function hasChanges(ctx: PromotionContext): boolean {
  return ctx.plan !== undefined && ctx.plan.changes.length > 0;
}
