/**
 * Builds and synthesizes every stack: loads and validates environments (CDKTF_ENV=dev,prod limits
 * them), the service catalog and the promoted manifests, applies policy, writes cdktf.out (or
 * CDKTF_OUTDIR). Nothing is written unless everything succeeds, and synth only ever replaces what it
 * wrote itself (stacks/synth-output.ts). Exit codes: stacks/synth-failure.ts SYNTH_EXIT.
 */
import "./stacks/synth-speed"; // first: must run before the providers load
import * as fs from "fs";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { loadEnvironments } from "./environments";
import { ConfigError, ConfigProblem } from "./modules/core/errors";
import { SERVICE_CATALOG } from "./services/catalog";
import { buildPlatformApp, MIN_TERRAFORM_VERSION } from "./stacks/platform-app";
import { describeFailure, SYNTH_EXIT } from "./stacks/synth-failure";
import { createStaging, outputFolderProblems, replaceOutput } from "./stacks/synth-output";
import { synthesizeApp } from "./stacks/one-pass-synth";
import { TerraformVersionCheck } from "./stacks/terraform-version-check";
import { countsOf, renderSummary, StackCounts, StackJson, summaryOf } from "./stacks/synth-summary";
import { writeScannerSkipLists } from "./modules/policy/checkov-skip-list";
import { Finding } from "./modules/policy/policy-aspect";
import { Helper, helperResults, inPlanOrder, mergeParts, partition, PartResult, PartsDoNotMerge, rerunWhole, snapshotBuild, startHelpers, stopHelpers, SynthRole, synthRole, writePartResult } from "./scripts/synth-cache/synth-parts";

/** Synthesizes every selected stack (in parts from the snapshot: synth-parts.ts); resolves to the exit code. */
export async function main(role: SynthRole = synthRole()): Promise<number> {
  // cdktf's `terraform version` check, answered while the stacks are built (stacks/terraform-version-check.ts).
  const versionCheck = new TerraformVersionCheck({ requiredAtLeast: MIN_TERRAFORM_VERSION }).start();
  try {
    return role.kind === "helper" ? await synthesizePart(role, versionCheck) : await synthesizeWhole(role, versionCheck);
  } finally {
    versionCheck.stop();
  }
}

async function synthesizeWhole(role: Exclude<SynthRole, { kind: "helper" }>, versionCheck: TerraformVersionCheck): Promise<number> {
  const root = process.cwd();
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  const label = process.env.CDKTF_OUTDIR ? "CDKTF_OUTDIR" : path.relative(root, outdir);
  let staging: string | undefined;
  let helpers: Helper[] = [];
  let runWhole = false;
  let writing = false;
  try {
    // The output folder is checked first and reported with any configuration problem, all in one run.
    const outProblems = outputFolderProblems(outdir, label);
    const envDir = path.resolve(process.env.MLOPS_ENVIRONMENTS_DIR || path.join(__dirname, "environments"));
    if (!fs.statSync(envDir, { throwIfNoEntry: false })?.isDirectory()) {
      const found = `${JSON.stringify(envDir)}: ${fs.existsSync(envDir) ? "a file" : "no such file or folder"}`;
      outProblems.push({ file: "MLOPS_ENVIRONMENTS_DIR", field: "(folder)", expected: "a folder of environment files (<name>.ts)", found });
      throw new ConfigError(outProblems);
    }
    // A leader starts its helpers as early as it can: before loading the environments (each process
    // loads them itself), once the output folder is known good and the staging folder exists. From
    // then on whatever fails is reported by a whole run instead, exactly as one process reports it.
    if (role.kind === "leader" && outProblems.length === 0) {
      staging = createStagingIfPossible(outdir, label);
      if (staging) helpers = startHelpers(role, staging);
    }
    const environments = withProblems(outProblems, () => loadEnvironments({ dir: envDir, root, select: process.env.CDKTF_ENV }));
    staging ??= createStaging(outdir, label);
    if (role.kind === "leader" && helpers.length === 0) helpers = startHelpers(role, staging);
    const stagingDir = staging;
    const build = () =>
      buildPlatformApp({
        outdir: stagingDir,
        environments,
        catalog: SERVICE_CATALOG,
        deploymentsDir: deploymentsDir(),
        root,
        include: role.kind === "leader" ? partition(0, role.parts) : undefined,
      });
    const first = build();
    if (first.planned.length === 0) {
      const found = `${environments.map((e) => e.config.name).join(", ") || "no environment"} selected, deploying to no cloud`;
      throw new ConfigError([{ file: process.env.CDKTF_ENV ? "CDKTF_ENV" : "environments", field: "", expected: "at least one stack to synthesize", found }]);
    }
    await versionCheck.settled();
    const counts = new Map<string, StackCounts>();
    const { app, report, stacks, planned, unpinnedImages } = synthesizeApp(first, { rebuild: build, outdir: staging, versionCheck, onStackJson: countInto(counts) });
    let warnings: Finding[] = report.findings.filter((x) => x.level === "warning");
    const errors = report.errors(app);
    let results: PartResult[] = [];
    if (role.kind === "leader") {
      const done = errors.length > 0 ? undefined : await helperResults(helpers);
      if (!done) throw new PartsDoNotMerge("a part failed");
      mergeParts(staging, helpers);
      results = done;
      warnings = inPlanOrder(planned, [...warnings, ...results.flatMap((r) => r.warnings)], (f) => f.path);
    }
    for (const f of warnings) {
      console.error(`policy warning ${f.ruleId} at ${f.path} (${f.resourceType}): ${f.message}`);
    }
    if (errors.length > 0) {
      for (const f of errors) console.error(`policy ${f.ruleId} at ${f.path} (${f.resourceType}): ${f.message}`);
      console.error(`synth failed: ${errors.length} policy violation${errors.length === 1 ? "" : "s"}; nothing written to ${path.relative(root, outdir) || "."}`);
      return SYNTH_EXIT.policy;
    }
    // Scanner skip lists (issue 16) go into the staging folder, so they replace the output with it.
    const own = stacks.map((s) => ({ name: s.name, suppressions: report.suppressions(s.stack.node.path) }));
    writeScannerSkipLists(staging, own);
    // Checked again right before replacing: something may have appeared in the folder meanwhile.
    withProblems(outputFolderProblems(outdir, label), () => undefined);
    writing = true;
    replaceOutput(staging, outdir);
    // A helper summarized its own stacks; the lines come out in plan order as from one process.
    const summaries = inPlanOrder(planned, [...own.map((s) => summaryOf(s.name, countsFor(counts, s.name), s.suppressions)), ...results.flatMap((r) => r.summaries)], (s) => s.name);
    console.log(renderSummary(summaries));
    if (unpinnedImages.length > 0) {
      // Registries keep tags immutable: a catalog tag runs only if someone pushed exactly that tag once.
      console.log(`\nimages not pinned by a promoted manifest or services.<name>.imageTag (catalog tag used):`);
      for (const line of unpinnedImages) console.log(`  ${line}`);
    }
    console.log(`\nsynthesized ${planned.length} stack${planned.length === 1 ? "" : "s"} into ${path.relative(root, outdir) || "."}`);
    return SYNTH_EXIT.ok;
  } catch (e) {
    // Before the output is touched, a leader's failure is reported by a whole run (exactly its lines).
    if (role.kind === "leader" && !writing && (helpers.length > 0 || e instanceof PartsDoNotMerge)) {
      runWhole = true;
      return SYNTH_EXIT.internal; // replaced below, once the staging folder is gone
    }
    const { lines, code } = describeFailure(e);
    for (const line of lines) console.error(line);
    return code;
  } finally {
    await stopHelpers(helpers);
    // Only the staging folder this run created is removed (the helpers' folders are inside it).
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
    // eslint-disable-next-line no-unsafe-finally
    if (runWhole && role.kind === "leader") return rerunWhole(role.blob);
  }
}

function deploymentsDir(): string {
  return path.resolve(process.env.MLOPS_DEPLOYMENTS_DIR || path.join(__dirname, "deployments"));
}

/**
 * A helper's share of a parallel synth (synth-parts.ts): its stacks and their skip lists into
 * `role.dir`, its policy warnings and stack summaries into `role.result`. It prints nothing: on any
 * failure it reports `ok: false` and the leader reruns the synth whole, which prints the reason.
 */
async function synthesizePart(role: Extract<SynthRole, { kind: "helper" }>, versionCheck: TerraformVersionCheck): Promise<number> {
  const failed: PartResult = { ok: false, warnings: [], summaries: [] };
  try {
    const envDir = path.resolve(process.env.MLOPS_ENVIRONMENTS_DIR || path.join(__dirname, "environments"));
    const environments = loadEnvironments({ dir: envDir, root: process.cwd(), select: process.env.CDKTF_ENV });
    fs.mkdirSync(role.dir);
    const build = () =>
      buildPlatformApp({
        outdir: role.dir,
        environments,
        catalog: SERVICE_CATALOG,
        deploymentsDir: deploymentsDir(),
        root: process.cwd(),
        include: partition(role.index, role.parts),
      });
    const first = build();
    await versionCheck.settled();
    const counts = new Map<string, StackCounts>();
    const { app, report, stacks } = synthesizeApp(first, { rebuild: build, outdir: role.dir, versionCheck, onStackJson: countInto(counts) });
    if (report.errors(app).length > 0) {
      writePartResult(role.result, failed);
      return 0;
    }
    const own = stacks.map((s) => ({ name: s.name, suppressions: report.suppressions(s.stack.node.path) }));
    writeScannerSkipLists(role.dir, own);
    const summaries = own.map((s) => summaryOf(s.name, countsFor(counts, s.name), s.suppressions));
    writePartResult(role.result, { ok: true, build: snapshotBuild(), warnings: report.findings.filter((x) => x.level === "warning"), summaries });
  } catch {
    writePartResult(role.result, failed);
  }
  return 0;
}

/** The staging folder, or undefined where creating it fails (the synth then fails at its usual place, in its usual words). */
function createStagingIfPossible(outdir: string, label: string): string | undefined {
  try {
    return createStaging(outdir, label);
  } catch {
    return undefined;
  }
}

/** Keeps each stack's summary counts as cdktf writes its JSON (instead of reading every cdk.tf.json back). */
function countInto(counts: Map<string, StackCounts>): (stack: TerraformStack, json: unknown) => void {
  return (stack, json) => counts.set(stack.node.id, countsOf(json as StackJson));
}

function countsFor(counts: ReadonlyMap<string, StackCounts>, stack: string): StackCounts {
  const found = counts.get(stack);
  if (!found) throw new Error(`synth summary: no Terraform JSON was produced for stack ${stack}`);
  return found;
}

/** Runs `load`, adding `problems` to any ConfigError it throws, and throws them alone if it succeeds. */
function withProblems<T>(problems: readonly ConfigProblem[], load: () => T): T {
  let result: T;
  try {
    result = load();
  } catch (e) {
    if (e instanceof ConfigError && problems.length > 0) throw new ConfigError([...problems, ...e.problems]);
    throw e;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result;
}

// Not while the synth snapshot is built (scripts/synth-cache/snapshot-entry.ts runs it later).
if (!(globalThis as { __mlopsSnapshot?: boolean }).__mlopsSnapshot) void main().then((code) => (process.exitCode = code));
