/**
 * Builds and synthesizes every stack: loads and validates environments (CDKTF_ENV=dev,prod limits
 * them), the service catalog and the promoted manifests, applies policy, writes cdktf.out (or
 * CDKTF_OUTDIR). Nothing is written unless everything succeeds, and synth only ever replaces what it
 * wrote itself (stacks/synth-output.ts). Exit codes: stacks/synth-failure.ts SYNTH_EXIT.
 */
import "./stacks/synth-speed"; // first: must run before the providers load
import * as fs from "fs";
import * as path from "path";
import { loadEnvironments } from "./environments";
import { ConfigError, ConfigProblem } from "./modules/core/errors";
import { SERVICE_CATALOG } from "./services/catalog";
import { buildPlatformApp } from "./stacks/platform-app";
import { describeFailure, SYNTH_EXIT } from "./stacks/synth-failure";
import { createStaging, outputFolderProblems, replaceOutput } from "./stacks/synth-output";
import { renderSummary, summarize } from "./stacks/synth-summary";
import { writeScannerSkipLists } from "./modules/policy/checkov-skip-list";

/** Synthesizes every selected stack; returns the exit code. */
export function main(): number {
  const root = process.cwd();
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  const label = process.env.CDKTF_OUTDIR ? "CDKTF_OUTDIR" : path.relative(root, outdir);
  let staging: string | undefined;
  try {
    // The output folder is checked first and reported with any configuration problem, all in one run.
    const outProblems = outputFolderProblems(outdir, label);
    const envDir = path.resolve(process.env.MLOPS_ENVIRONMENTS_DIR || path.join(__dirname, "environments"));
    if (!fs.statSync(envDir, { throwIfNoEntry: false })?.isDirectory()) {
      const found = `${JSON.stringify(envDir)}: ${fs.existsSync(envDir) ? "a file" : "no such file or folder"}`;
      outProblems.push({ file: "MLOPS_ENVIRONMENTS_DIR", field: "(folder)", expected: "a folder of environment files (<name>.ts)", found });
      throw new ConfigError(outProblems);
    }
    const environments = withProblems(outProblems, () => loadEnvironments({ dir: envDir, root, select: process.env.CDKTF_ENV }));
    staging = createStaging(outdir, label);
    const { app, report, stacks, unpinnedImages } = buildPlatformApp({
      outdir: staging,
      environments,
      catalog: SERVICE_CATALOG,
      deploymentsDir: path.resolve(process.env.MLOPS_DEPLOYMENTS_DIR || path.join(__dirname, "deployments")),
      root,
    });
    if (stacks.length === 0) {
      const found = `${environments.map((e) => e.config.name).join(", ") || "no environment"} selected, deploying to no cloud`;
      throw new ConfigError([{ file: process.env.CDKTF_ENV ? "CDKTF_ENV" : "environments", field: "", expected: "at least one stack to synthesize", found }]);
    }
    app.synth();
    for (const f of report.findings.filter((x) => x.level === "warning")) {
      console.error(`policy warning ${f.ruleId} at ${f.path} (${f.resourceType}): ${f.message}`);
    }
    const errors = report.errors(app);
    if (errors.length > 0) {
      for (const f of errors) console.error(`policy ${f.ruleId} at ${f.path} (${f.resourceType}): ${f.message}`);
      console.error(`synth failed: ${errors.length} policy violation${errors.length === 1 ? "" : "s"}; nothing written to ${path.relative(root, outdir) || "."}`);
      return SYNTH_EXIT.policy;
    }
    // Scanner skip lists (issue 16) go into the staging folder, so they replace the output with it.
    writeScannerSkipLists(staging, stacks.map((s) => ({ name: s.name, suppressions: report.suppressions(s.stack.node.path) })));
    // Checked again right before replacing: something may have appeared in the folder meanwhile.
    withProblems(outputFolderProblems(outdir, label), () => undefined);
    replaceOutput(staging, outdir);
    const summaries = summarize(
      outdir,
      stacks.map((s) => ({ name: s.name, suppressions: report.suppressions(s.stack.node.path) })),
    );
    console.log(renderSummary(summaries));
    if (unpinnedImages.length > 0) {
      // Registries keep tags immutable: a catalog tag runs only if someone pushed exactly that tag once.
      console.log(`\nimages not pinned by a promoted manifest or services.<name>.imageTag (catalog tag used):`);
      for (const line of unpinnedImages) console.log(`  ${line}`);
    }
    console.log(`\nsynthesized ${stacks.length} stack${stacks.length === 1 ? "" : "s"} into ${path.relative(root, outdir) || "."}`);
    return SYNTH_EXIT.ok;
  } catch (e) {
    const { lines, code } = describeFailure(e);
    for (const line of lines) console.error(line);
    return code;
  } finally {
    // Only the staging folder this run created is removed.
    if (staging) fs.rmSync(staging, { recursive: true, force: true });
  }
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
if (!(globalThis as { __mlopsSnapshot?: boolean }).__mlopsSnapshot) process.exitCode = main();
