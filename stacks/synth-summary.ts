/**
 * The table printed after synth: per stack, resources by type, outputs, the suppressions in force, and
 * the accepted risks by scanner id (the ids Checkov or Trivy would report, and why each is accepted).
 */
import * as fs from "fs";
import * as path from "path";
import { AppliedSuppression } from "../modules/policy/policy-aspect";
import { AcceptedScannerId, acceptedScannerIds } from "../modules/policy/checkov-skip-list";

// cdktf writes cdk.tf.json with this (cdktf/lib/synthesize/synthesizer.js).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stableStringify = require("cdktf/node_modules/json-stable-stringify") as (value: unknown) => string;

/** The parts of a stack's Terraform JSON a summary reads. */
export interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  output?: Record<string, { value: unknown; description?: string }>;
}

/** Summary of one synthesized stack, read back from its cdk.tf.json. */
export interface StackSummary {
  readonly name: string;
  readonly resourceCounts: Record<string, number>;
  readonly outputs: Record<string, string>;
  readonly suppressions: readonly AppliedSuppression[];
  /** The scanner ids those suppressions accept, sorted (one entry per id, with every reason). */
  readonly accepted: readonly AcceptedScannerId[];
}

/** What a summary takes from a stack's Terraform JSON. */
export type StackCounts = Pick<StackSummary, "resourceCounts" | "outputs">;

/** Reads `<outdir>/stacks/<name>/cdk.tf.json` for each stack. */
export function summarize(outdir: string, stacks: readonly { name: string; suppressions: readonly AppliedSuppression[] }[]): StackSummary[] {
  return stacks.map(({ name, suppressions }) => {
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as StackJson;
    const resourceCounts: Record<string, number> = {};
    for (const [type, byId] of Object.entries(json.resource ?? {})) resourceCounts[type] = Object.keys(byId).length;
    const outputs: Record<string, string> = {};
    for (const [k, v] of Object.entries(json.output ?? {})) outputs[k] = typeof v.value === "string" ? v.value : JSON.stringify(v.value);
    return summaryOf(name, { resourceCounts, outputs }, suppressions);
  });
}

/**
 * What summarize() reads back from the cdk.tf.json cdktf writes for `json`, taken from `json` itself
 * (synth keeps these counts instead of reading every stack's file again). cdktf writes the file with
 * json-stable-stringify, so keys are read back sorted: they are taken in that order here, and an
 * output that is not a string is written and read back the same way before it is shown.
 */
export function countsOf(json: StackJson): StackCounts {
  const resourceCounts: Record<string, number> = {};
  const resources = json.resource ?? {};
  for (const type of Object.keys(resources).sort()) resourceCounts[type] = Object.keys(resources[type]).length;
  const outputs: Record<string, string> = {};
  const declared = json.output ?? {};
  for (const k of Object.keys(declared).sort()) {
    const value = declared[k].value;
    outputs[k] = typeof value === "string" ? value : JSON.stringify(value === undefined ? undefined : JSON.parse(stableStringify(value)));
  }
  return { resourceCounts, outputs };
}

/** A stack's summary from its counts and the suppressions in force in it. */
export function summaryOf(name: string, counts: StackCounts, suppressions: readonly AppliedSuppression[]): StackSummary {
  return { name, ...counts, suppressions, accepted: acceptedScannerIds(suppressions) };
}

/** Renders the summaries as plain-text tables. */
export function renderSummary(summaries: readonly StackSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    const total = Object.values(s.resourceCounts).reduce((a, b) => a + b, 0);
    lines.push(`\n== ${s.name}: ${total} resources`);
    const types = Object.entries(s.resourceCounts).sort(([a], [b]) => a.localeCompare(b));
    const width = Math.max(...types.map(([t]) => t.length), 8);
    for (const [type, count] of types) lines.push(`  ${type.padEnd(width)}  ${String(count).padStart(3)}`);
    if (Object.keys(s.outputs).length > 0) {
      lines.push("  outputs:");
      for (const [k, v] of Object.entries(s.outputs)) lines.push(`    ${k} = ${v}`);
    }
    lines.push(s.suppressions.length === 0 ? "  suppressions: none" : "  suppressions:");
    for (const sup of s.suppressions) {
      const ids = [...(sup.scanners.checkov ?? []), ...(sup.scanners.trivy ?? [])];
      lines.push(`    ${sup.ruleId}${ids.length ? ` [${ids.join(", ")}]` : ""} at ${sup.path} (${sup.matched.length} resource${sup.matched.length === 1 ? "" : "s"}): ${sup.reason}`);
    }
    lines.push(
      s.accepted.length === 0
        ? "  accepted scanner ids: none"
        : `  accepted scanner ids (skip list in stacks/${s.name}/.checkov.yaml, .trivyignore): ${s.accepted.map((a) => a.id).join(" ")}`,
    );
  }
  return lines.join("\n");
}
