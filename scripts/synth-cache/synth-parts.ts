/**
 * Parallel synth from the snapshot. Starting from the snapshot is cheap (~0.2 s), so `npm run synth`
 * runs as a leader that starts one helper per extra core; each process builds and synthesizes only
 * its share of the stacks (partition()), the helpers into folders inside the leader's staging folder.
 * The leader then moves their stack folders next to its own, merges the manifests and goes on
 * exactly as a whole synth would (policy lines, skip lists, summary, replacing the output). If any
 * part fails in any way, nothing is kept and the leader reruns the synth as one process, so a
 * failure prints the same lines and exits with the same code as a whole synth (stacks/synth-failure.ts).
 * Used only from the snapshot (scripts/synth-cache/launch.cjs sets MLOPS_SYNTH_PARTS); `tsx main.ts`
 * always synthesizes whole.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { Finding } from "../../modules/policy/policy-aspect";
import type { PlannedStack } from "../../stacks/platform-app";
import type { StackSummary } from "../../stacks/synth-summary";

// cdktf writes manifest.json with this (cdktf/lib/manifest.js); the merged one must be the same bytes.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stableStringify = require("cdktf/node_modules/json-stable-stringify") as (value: unknown, opts: { space: number }) => string;

/** How this process takes part in a synth. */
export type SynthRole =
  | { readonly kind: "whole" }
  | { readonly kind: "leader"; readonly parts: number; readonly blob: string }
  | { readonly kind: "helper"; readonly index: number; readonly parts: number; readonly dir: string; readonly result: string };

/** What a helper hands back: what the leader prints for its stacks. */
export interface PartResult {
  readonly ok: boolean;
  /** The id of the snapshot build the helper ran (build.cjs): a snapshot rebuilt meanwhile holds other code. */
  readonly build?: string;
  /** Policy warnings of the part's stacks, in synth order. */
  readonly warnings: readonly Finding[];
  /** The summary of each of the part's stacks, read back from what it wrote (in parallel with the others). */
  readonly summaries: readonly StackSummary[];
}

/** A running helper process. */
export interface Helper {
  readonly dir: string;
  readonly result: string;
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;
}

/**
 * The role from the environment: MLOPS_SYNTH_PART=<i>/<n> (with MLOPS_SYNTH_PART_DIR and
 * MLOPS_SYNTH_PART_RESULT) makes a helper; MLOPS_SYNTH_PARTS=<n> above 1 with MLOPS_SYNTH_BLOB a
 * leader; anything else a whole synth.
 */
export function synthRole(env: NodeJS.ProcessEnv = process.env): SynthRole {
  const part = /^(\d+)\/(\d+)$/.exec(env.MLOPS_SYNTH_PART ?? "");
  if (part && env.MLOPS_SYNTH_PART_DIR && env.MLOPS_SYNTH_PART_RESULT) {
    return { kind: "helper", index: Number(part[1]), parts: Number(part[2]), dir: env.MLOPS_SYNTH_PART_DIR, result: env.MLOPS_SYNTH_PART_RESULT };
  }
  const parts = Number(env.MLOPS_SYNTH_PARTS ?? "1");
  if (Number.isInteger(parts) && parts > 1 && env.MLOPS_SYNTH_BLOB) return { kind: "leader", parts: Math.min(parts, 8), blob: env.MLOPS_SYNTH_BLOB };
  return { kind: "whole" };
}

/** Relative synth cost of a stack (measured: a platform stack costs about ten state stacks). */
function weight(stack: PlannedStack): number {
  return stack.kind === "platform" ? 10 : 1;
}

/**
 * A helper starts its share later than the leader (spawned once the leader has loaded the
 * environments, then it deserializes the snapshot) and was measured waited for even after the
 * leader's merging and summary work: the leader starts this far ahead, in the same units.
 */
const LEADER_HEAD_START = 6;

/**
 * Which stacks part `index` of `parts` creates: asked once per planned stack in synth order, each
 * stack goes to the part with the least cost so far (the lowest index on a tie). Every process
 * sees the same plan, so the parts are disjoint and together hold every stack.
 */
export function partition(index: number, parts: number): (stack: PlannedStack) => boolean {
  const load = new Array<number>(parts).fill(0);
  if (parts > 1) load[0] = -LEADER_HEAD_START;
  return (stack) => {
    const to = load.indexOf(Math.min(...load));
    load[to] += weight(stack);
    return to === index;
  };
}

/** Starts helpers 1..parts-1 from the same snapshot; each writes into `<staging>/.part-<i>/`. */
export function startHelpers(role: Extract<SynthRole, { kind: "leader" }>, staging: string): Helper[] {
  const helpers: Helper[] = [];
  for (let i = 1; i < role.parts; i++) {
    const dir = path.join(staging, `.part-${i}`);
    const result = path.join(staging, `.part-${i}.json`);
    const child = spawn(process.execPath, ["--snapshot-blob", role.blob], {
      stdio: "ignore",
      env: { ...process.env, MLOPS_SYNTH_PARTS: "", MLOPS_SYNTH_PART: `${i}/${role.parts}`, MLOPS_SYNTH_PART_DIR: dir, MLOPS_SYNTH_PART_RESULT: result },
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on("exit", (code) => resolve(code));
      child.on("error", () => resolve(null));
    });
    helpers.push({ dir, result, exited, child });
  }
  return helpers;
}

/** The id of the snapshot build this process started from, if any. */
export function snapshotBuild(): string | undefined {
  return (globalThis as { __mlopsSnapshotBuild?: string }).__mlopsSnapshotBuild;
}

/**
 * Waits for every helper; their results, or undefined when any of them failed or ran another
 * snapshot build than `build` (the leader's).
 */
export async function helperResults(helpers: readonly Helper[], build = snapshotBuild()): Promise<PartResult[] | undefined> {
  const codes = await Promise.all(helpers.map((h) => h.exited));
  if (codes.some((c) => c !== 0)) return undefined;
  const results: PartResult[] = [];
  for (const h of helpers) {
    try {
      const r = JSON.parse(fs.readFileSync(h.result, "utf8")) as PartResult;
      if (!r.ok || r.build !== build) return undefined;
      results.push(r);
    } catch {
      return undefined;
    }
  }
  return results;
}

/** Stops helpers that still run and waits until they are gone (before their folders are removed). */
export async function stopHelpers(helpers: readonly Helper[]): Promise<void> {
  for (const h of helpers) if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill("SIGKILL");
  await Promise.all(helpers.map((h) => h.exited));
}

/** Writes a helper's result atomically: the leader reads either nothing or all of it. */
export function writePartResult(file: string, result: PartResult): void {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result));
  fs.renameSync(`${file}.tmp`, file);
}

interface Manifest {
  version: string;
  stacks: Record<string, { dependencies?: unknown[] }>;
}

/** Thrown when the parts cannot be merged into what one process writes: the synth is run whole. */
export class PartsDoNotMerge extends Error {}

/**
 * Moves the helpers' stack folders into `staging/stacks/` and writes one manifest.json listing
 * every stack, byte for byte what one process synthesizing them all writes. A stack depending on
 * another (a cross-stack reference) cannot be synthesized apart from it: PartsDoNotMerge.
 */
export function mergeParts(staging: string, helpers: readonly Helper[]): void {
  const manifestFile = path.join(staging, "manifest.json");
  const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
  const parts = helpers.map((h) => JSON.parse(fs.readFileSync(path.join(h.dir, "manifest.json"), "utf8")) as Manifest);
  for (const [name, entry] of [manifest, ...parts].flatMap((m) => Object.entries(m.stacks))) {
    if ((entry.dependencies ?? []).length > 0) throw new PartsDoNotMerge(`stack ${name} depends on another stack`);
  }
  for (const [i, h] of helpers.entries()) {
    const part = parts[i];
    for (const name of Object.keys(part.stacks)) {
      if (manifest.stacks[name] !== undefined) throw new PartsDoNotMerge(`stack ${name} synthesized by two parts`);
      fs.renameSync(path.join(h.dir, "stacks", name), path.join(staging, "stacks", name));
      manifest.stacks[name] = part.stacks[name];
    }
    fs.rmSync(h.dir, { recursive: true, force: true });
    fs.rmSync(h.result, { force: true });
  }
  fs.writeFileSync(manifestFile, stableStringify(manifest, { space: 2 }));
}

/** Orders per-stack items as one process would list them: by the stack's place in the plan. */
export function inPlanOrder<T>(planned: readonly PlannedStack[], items: readonly T[], stackOf: (item: T) => string): T[] {
  const rank = new Map(planned.map((p, i) => [p.name, i]));
  const at = (item: T) => rank.get(stackOf(item).split("/")[0]) ?? planned.length;
  return items.map((item, i) => ({ item, i })).sort((a, b) => at(a.item) - at(b.item) || a.i - b.i).map((x) => x.item);
}

/** The synth again as one process from the same snapshot, its output passed through; its exit code. */
export function rerunWhole(blob: string): number {
  const r = spawnSync(process.execPath, ["--snapshot-blob", blob], { stdio: "inherit", env: { ...process.env, MLOPS_SYNTH_PARTS: "1" } });
  return r.status ?? 1;
}
