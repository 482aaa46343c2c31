/**
 * Step "diff": turns the validated source into the desired state of `deployments/<env>/`, plans the
 * changes against the base (plan-changes.ts) and decides the metric gate for every manifest written
 * (metric-gate.ts). A held gate is terminal (exit 3) and happens before anything is committed.
 */
import { formatProblem } from "../../modules/core/errors";
import { PromotionContext, Step, StepResult, skipped, succeeded } from "../context";
import { GateHeldError } from "../errors";
import { serializeManifest } from "../../modules/core/model-manifest";
import { decideGate } from "../metric-gate";
import { DesiredFile, DesiredState, branchName, desiredFile, modelPath, planChanges } from "../plan-changes";

/** Plans the change and decides the gate. */
export const planStep: Step = {
  name: "diff",
  async run(ctx: PromotionContext): Promise<StepResult> {
    const req = ctx.request;
    const source = ctx.source!;
    const models = new Map<string, DesiredFile>(source.manifests.map((m) => [m.name, desiredFile(serializeManifest(m))]));
    const desired: DesiredState = { dags: source.dags, models, retire: req.retire ? [req.retire.model] : undefined };
    ctx.desired = desired;
    const plan = planChanges(ctx.baseTree!, desired);
    ctx.plan = plan;
    if (plan.changes.length === 0) {
      return skipped(`nothing to do: deployments/${req.env}/ already holds this`);
    }

    // A broken manifest already deployed for a model we replace: we cannot compare, and must not guess.
    const broken = (ctx.deployedProblems ?? []).filter((p) => plan.models.some((m) => p.file.endsWith(modelPath(m))));
    if (broken.length > 0) {
      throw new Error(`the deployed manifest is invalid, fix it first: ${broken.map(formatProblem).join("; ")}`);
    }

    const enforced = ctx.rules.mode === "pull-request" && req.kind === "promote";
    const notEnforcedBecause = req.kind === "promote" ? "direct mode" : req.kind;
    ctx.gate = source.manifests
      .filter((m) => plan.models.includes(m.name))
      .map((m) =>
        decideGate({
          candidate: m,
          deployed: ctx.deployed?.[m.name],
          threshold: ctx.rules.gateThreshold,
          direction: ctx.rules.primaryMetricDirection,
          enforced,
          notEnforcedBecause,
        }),
      );
    for (const d of ctx.gate) ctx.log(`gate: ${d.model}: ${d.reason}`);
    ctx.branch = ctx.viaPullRequest ? branchName(req.env, plan) : req.base;

    const summary = `${plan.added.length} added, ${plan.changed.length} changed, ${plan.deleted.length} deleted`;
    for (const c of plan.changes.slice(0, 20)) ctx.log(`  ${c.kind === "added" ? "+" : c.kind === "changed" ? "~" : "-"} deployments/${req.env}/${c.path}`);
    if (plan.changes.length > 20) ctx.log(`  ... and ${plan.changes.length - 20} more`);

    const held = ctx.gate.filter((d) => !d.passes);
    if (held.length > 0) {
      throw new GateHeldError(`metric gate held ${held.map((d) => `${d.model}: ${d.reason}`).join("; ")}`);
    }
    return succeeded(summary);
  },
};
