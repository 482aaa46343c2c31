/**
 * Words for a promotion, built purely from its plan and gate decisions: the commit message (with the
 * gate as trailers), the pull request title and body. This is the audit trail, so both metric values
 * always appear. No I/O.
 */
import { GateDecision } from "./metric-gate";
import { ChangePlan } from "./plan-changes";

/** What the words are built from. */
export interface PromotionSummary {
  readonly env: string;
  /** `source <folder>`, `env dev`, `rollback`, `retire`. */
  readonly sourceLabel: string;
  readonly plan: ChangePlan;
  readonly gate: readonly GateDecision[];
  /** Model name → version being written. */
  readonly versions: Readonly<Record<string, string>>;
  /** Why (rollback, retire). @default - none */
  readonly reason?: string;
  readonly kind: "promote" | "rollback" | "retire";
  /** Extra lines, e.g. an invalid deployed manifest this promotion replaces. @default - none */
  readonly notes?: readonly string[];
}

/** `promote(staging): model-api 1.4.0, dags` — what changed, short. */
export function title(s: PromotionSummary): string {
  const parts = s.plan.models.map((m) => (s.versions[m] ? `${m} ${s.versions[m]}` : `${m} (removed)`));
  if (s.plan.dagsChanged) parts.push(`dags (${countIn(s.plan, "dags/")})`);
  return `${s.kind}(${s.env}): ${parts.join(", ") || "nothing"}`;
}

function countIn(plan: ChangePlan, prefix: string): string {
  const n = (xs: readonly string[]) => xs.filter((p) => p.startsWith(prefix)).length;
  return `+${n(plan.added)} ~${n(plan.changed)} -${n(plan.deleted)}`;
}

/** One trailer line per gate decision: both numbers, the change and the threshold. */
export function gateTrailer(d: GateDecision): string {
  const deployed = d.deployedValue === undefined ? "none" : String(d.deployedValue);
  const change = d.relativeImprovement === undefined ? "n/a" : formatChange(d.relativeImprovement);
  return `${d.model} ${d.outcome} ${d.metric} candidate=${d.candidateValue} deployed=${deployed} change=${change} threshold=${Number((d.threshold * 100).toFixed(4))}%`;
}

function formatChange(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? "+inf%" : "-inf%";
  return `${x >= 0 ? "+" : ""}${Number((x * 100).toFixed(2))}%`;
}

/** The commit message: title, a short body, then trailers git can parse (`git interpret-trailers`). */
export function commitMessage(s: PromotionSummary): string {
  const body = [
    `Files: ${s.plan.added.length} added, ${s.plan.changed.length} changed, ${s.plan.deleted.length} deleted in deployments/${s.env}/.`,
    ...s.gate.map((d) => `Gate ${d.model}: ${d.reason}`),
    ...(s.notes ?? []).map((n) => `Note: ${oneLine(n)}`),
  ];
  const trailers = [
    `Promotion-Env: ${s.env}`,
    `Promotion-Source: ${oneLine(s.sourceLabel)}`,
    `Promotion-Change: ${s.plan.key}`,
    ...s.gate.map((d) => `Metric-Gate: ${gateTrailer(d)}`),
    ...(s.reason ? [`Promotion-Reason: ${oneLine(s.reason)}`] : []),
  ];
  return `${title(s)}\n\n${body.join("\n")}\n\n${trailers.join("\n")}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

const LIST_LIMIT = 50;

function list(label: string, paths: readonly string[]): string[] {
  if (paths.length === 0) return [];
  const shown = paths.slice(0, LIST_LIMIT).map((p) => `- \`${p}\``);
  if (paths.length > LIST_LIMIT) shown.push(`- ... and ${paths.length - LIST_LIMIT} more`);
  return [`**${label}** (${paths.length})`, ...shown, ""];
}

/** The pull request body: diff summary and the gate table with both metric values. */
export function pullRequestBody(s: PromotionSummary): string {
  const gate = s.gate.length
    ? [
        "| model | metric | deployed | candidate | change | threshold | decision |",
        "|---|---|---|---|---|---|---|",
        ...s.gate.map(
          (d) =>
            `| ${d.model} | ${d.metric} (${d.direction}) | ${d.deployedValue ?? "none"} | ${d.candidateValue} | ` +
            `${d.relativeImprovement === undefined ? "n/a" : formatChange(d.relativeImprovement)} | ` +
            `${Number((d.threshold * 100).toFixed(4))}% | **${d.outcome}** |`,
        ),
      ]
    : ["No model manifest written: the gate does not apply."];
  return [
    `Promotion into **${s.env}** from ${s.sourceLabel}.`,
    ...(s.reason ? ["", `Reason: ${s.reason}`] : []),
    ...(s.notes && s.notes.length > 0 ? ["", ...s.notes.map((n) => `> **Note:** ${oneLine(n)}`)] : []),
    "",
    "### Changes",
    `${s.plan.added.length} added, ${s.plan.changed.length} changed, ${s.plan.deleted.length} deleted under \`deployments/${s.env}/\`.`,
    "",
    ...list("Added", s.plan.added),
    ...list("Changed", s.plan.changed),
    ...list("Deleted", s.plan.deleted),
    "### Metric gate",
    ...gate,
    "",
    `<!-- promoter: env=${s.env} change=${s.plan.key} -->`,
    "",
  ].join("\n");
}
