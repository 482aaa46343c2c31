/**
 * Builds and synthesizes every stack: loads and validates environments (CDKTF_ENV=dev,prod limits
 * them), the service catalog and the promoted manifests, applies policy, writes cdktf.out.
 * Invalid config or a policy error prints one line per problem, exits 1 and leaves cdktf.out untouched.
 */
import "./stacks/synth-speed"; // first: must run before the providers load
import * as fs from "fs";
import * as path from "path";
import { loadEnvironments } from "./environments";
import { ConfigError } from "./modules/core/errors";
import { SERVICE_CATALOG } from "./services/catalog";
import { buildPlatformApp } from "./stacks/platform-app";
import { renderSummary, summarize } from "./stacks/synth-summary";
import { writeScannerSkipLists } from "./modules/policy/checkov-skip-list";

function main(): number {
  const root = process.cwd();
  const outdir = path.resolve(process.env.CDKTF_OUTDIR || "cdktf.out");
  // Synthesize into a staging folder; only a clean result replaces the real output.
  const staging = `${outdir}.staging-${process.pid}`;
  try {
    const environments = loadEnvironments({
      dir: path.resolve(process.env.MLOPS_ENVIRONMENTS_DIR || path.join(__dirname, "environments")),
      root,
      select: process.env.CDKTF_ENV,
    });
    const { app, report, stacks, unpinnedImages } = buildPlatformApp({
      outdir: staging,
      environments,
      catalog: SERVICE_CATALOG,
      deploymentsDir: path.resolve(process.env.MLOPS_DEPLOYMENTS_DIR || path.join(__dirname, "deployments")),
      root,
    });
    app.synth();
    for (const f of report.findings.filter((x) => x.level === "warning")) {
      console.error(`policy warning ${f.ruleId} at ${f.path} (${f.resourceType}): ${f.message}`);
    }
    const errors = report.errors(app);
    if (errors.length > 0) {
      for (const f of errors) console.error(`policy ${f.ruleId} at ${f.path} (${f.resourceType}): ${f.message}`);
      console.error(`synth failed: ${errors.length} policy violation${errors.length === 1 ? "" : "s"}; nothing written to ${path.relative(root, outdir)}`);
      return 1;
    }
    // Scanner skip lists (issue 16) go into the staging folder, so they replace the output with it.
    writeScannerSkipLists(staging, stacks.map((s) => ({ name: s.name, suppressions: report.suppressions(s.stack.node.path) })));
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.renameSync(staging, outdir);
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
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.message.split("\n")) console.error(line);
      console.error(`synth failed: ${e.problems.length} configuration problem${e.problems.length === 1 ? "" : "s"}; nothing written`);
      return 1;
    }
    throw e;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

process.exitCode = main();
