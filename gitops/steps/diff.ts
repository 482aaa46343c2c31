/**
 * Step "diff": turns the validated source into the desired state of `deployments/<env>/`, plans and
 * stages the change as git stores it (step-helpers.planAndStage), checks it against what is deployed
 * (deployed-check.ts) and decides the metric gate for every manifest written (metric-gate.ts,
 * gate-enforcement.ts). A held gate is terminal (exit 3) and happens before anything is committed.
 */
import { serializeManifest } from "../../modules/core/model-manifest";
import { PromotionContext, Step, StepResult, skipped, succeeded } from "../context";
import { checkDeployed } from "../deployed-check";
import { GateHeldError } from "../errors";
import { gateEnforcement } from "../gate-enforcement";
import { decideGate } from "../metric-gate";
import { DesiredFile, branchName, desiredFile } from "../plan-changes";
import { planAndStage } from "../step-helpers";

/** Plans the change and decides the gate. */
export const diffStep: Step = {
  name: "diff",
  async run(ctx: PromotionContext): Promise<StepResult> {
    const req = ctx.request;
    const source = ctx.source!;
    const models = new Map<string, DesiredFile>(source.manifests.map((m) => [m.name, desiredFile(serializeManifest(m))]));
    ctx.desired = { dags: source.dags, models, retire: req.retire ? [req.retire.model] : undefined };
    const verdict = checkDeployed({
      env: req.env,
      retire: req.retire?.model,
      planModels: [...models.keys(), ...(req.retire ? [req.retire.model] : [])],
      deployed: new Set(Object.keys(ctx.deployed ?? {})),
      problems: ctx.deployedProblems ?? [],
    });
    const plan = await planAndStage(ctx);
    if (plan.changes.length === 0) {
      return skipped(`nothing to do: deployments/${req.env}/ already holds this`);
    }
    ctx.notes.push(...verdict.notes);
    for (const n of verdict.notes) ctx.log(`diff: ${n}`);

    const { enforced, notEnforcedBecause } = gateEnforcement(ctx.rules.mode, req.kind);
    ctx.gate = source.manifests
      .filter((m) => plan.models.includes(m.name))
      .map((m) => {
        const broken = verdict.replacesBroken.has(m.name);
        const d = decideGate({ candidate: m, deployed: broken ? undefined : ctx.deployed?.[m.name], threshold: ctx.rules.gateThreshold, direction: ctx.rules.primaryMetricDirection, enforced, notEnforcedBecause });
        return broken ? { ...d, reason: `the deployed manifest is invalid, nothing to compare (replaced); ${d.reason}` } : d;
      });
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
