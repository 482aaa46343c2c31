/**
 * The metric gate, a pure decision: does a candidate model beat the one an environment runs by
 * more than the environment's threshold (relative, on the deployed manifest's primary metric)?
 * The deployed manifest names the metric because the candidate must not pick what it is judged on:
 * when the two name different primary metrics the gate holds rather than compare unlike numbers.
 * It reads no files and knows nothing of git; callers pass both manifests and the rules.
 */
import { ModelManifest } from "../modules/core/model-manifest";

/** How a metric is read: accuracy-like metrics go up, loss-like ones go down. */
export type MetricDirection = "higher-is-better" | "lower-is-better";

/**
 * - `pass`: improvement above the threshold.
 * - `hold`: not enough improvement, or candidate and deployed name different primary metrics.
 * - `first-deployment`: nothing of that name deployed yet; passes.
 * - `not-enforced`: the environment is written directly (dev) or this is a rollback/retire; reported, never holds.
 */
export type GateOutcome = "pass" | "hold" | "first-deployment" | "not-enforced";

/** What the gate needs to decide for one model. */
export interface GateInput {
  readonly candidate: ModelManifest;
  /** The manifest of the same name in the target environment. @default - none (first deployment) */
  readonly deployed?: ModelManifest;
  /** Relative improvement the candidate must exceed, e.g. 0.01 for 1%. */
  readonly threshold: number;
  readonly direction: MetricDirection;
  /** False for direct-mode environments and rollbacks: the decision is reported but never holds. */
  readonly enforced: boolean;
  /** Why the gate is not enforced, shown in the reason. @default "direct mode" */
  readonly notEnforcedBecause?: string;
}

/** The gate's verdict with both numbers: it goes into the PR body and the commit trailers. */
export interface GateDecision {
  readonly model: string;
  /** The metric compared: the deployed manifest's primary metric (the candidate's on a first deployment or a mismatch). */
  readonly metric: string;
  readonly outcome: GateOutcome;
  /** True unless the outcome is `hold`. */
  readonly passes: boolean;
  readonly candidateValue: number;
  /** The deployed value of the same metric. @default - none deployed, or the deployed manifest lacks the metric */
  readonly deployedValue?: number;
  /** Signed relative improvement (positive is better, whatever the direction); Infinity from a zero baseline. */
  readonly relativeImprovement?: number;
  readonly threshold: number;
  readonly direction: MetricDirection;
  /** One line for people: the outcome and both numbers. */
  readonly reason: string;
}

// Improvements equal to the threshold must hold ("more than 1%"); floating point must not tip them over.
const EPSILON = 1e-12;

/** Decides the gate for one model. Pure: same input, same decision. */
export function decideGate(input: GateInput): GateDecision {
  const { candidate, deployed, threshold, direction } = input;
  // What runs decides the yardstick; a first deployment has none, so the candidate's own is reported.
  const mismatch = deployed !== undefined && deployed.primaryMetric !== candidate.primaryMetric;
  const metric = deployed === undefined || mismatch ? candidate.primaryMetric : deployed.primaryMetric;
  const candidateValue = candidate.metrics[metric];
  const base = { model: candidate.name, metric, candidateValue, threshold, direction };
  const need = `more than ${formatPercent(threshold)} ${direction === "higher-is-better" ? "higher" : "lower"}`;

  let verdict: { outcome: "pass" | "hold" | "first-deployment"; deployedValue?: number; relativeImprovement?: number; text: string };
  if (deployed === undefined) {
    verdict = { outcome: "first-deployment", text: `${metric} ${candidateValue} (first deployment, nothing to compare)` };
  } else if (mismatch) {
    verdict = {
      outcome: "hold",
      text:
        `primary metrics differ: the candidate ${candidate.name} ${candidate.version} names ${candidate.primaryMetric}, ` +
        `the deployed ${deployed.name} ${deployed.version} names ${deployed.primaryMetric}; the gate only compares the same metric ` +
        `(give the candidate primaryMetric ${JSON.stringify(deployed.primaryMetric)}, or retire the deployed model first)`,
    };
  } else {
    const deployedValue = deployed.metrics[metric];
    const relativeImprovement = relative(candidateValue, deployedValue, direction);
    const passes = relativeImprovement > threshold + EPSILON;
    verdict = {
      outcome: passes ? "pass" : "hold",
      deployedValue,
      relativeImprovement,
      text:
        `${metric} ${candidateValue} vs ${deployedValue} deployed (${deployed.version}): ` +
        `${formatSigned(relativeImprovement)} ${passes ? "beats" : "does not beat"} the required ${need}`,
    };
  }

  if (!input.enforced) {
    const would = verdict.outcome === "hold" ? "would hold" : "would pass";
    return {
      ...base,
      deployedValue: verdict.deployedValue,
      relativeImprovement: verdict.relativeImprovement,
      outcome: "not-enforced",
      passes: true,
      reason: `not enforced (${input.notEnforcedBecause ?? "direct mode"}); ${would}: ${verdict.text}`,
    };
  }
  return {
    ...base,
    deployedValue: verdict.deployedValue,
    relativeImprovement: verdict.relativeImprovement,
    outcome: verdict.outcome,
    passes: verdict.outcome !== "hold",
    reason: `${verdict.outcome}: ${verdict.text}`,
  };
}

/** Signed relative improvement of `candidate` over `deployed`; positive means better in `direction`. */
export function relative(candidate: number, deployed: number, direction: MetricDirection): number {
  const gain = direction === "higher-is-better" ? candidate - deployed : deployed - candidate;
  if (deployed === 0) return gain === 0 ? 0 : gain > 0 ? Infinity : -Infinity;
  return gain / Math.abs(deployed);
}

function formatPercent(x: number): string {
  return `${Number((x * 100).toFixed(4))}%`;
}

function formatSigned(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? "+inf%" : "-inf%";
  return `${x >= 0 ? "+" : ""}${Number((x * 100).toFixed(2))}%`;
}
