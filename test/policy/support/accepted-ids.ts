/**
 * Accepted scanner ids per stack, read from the synth summary of a single-cloud synth of the project's
 * environments, against the checked-in lists in test/policy/accepted-risks/<stack>.txt (one line per
 * id: `<id>  <rule ids>`), so a new accepted risk is a visible diff. `UPDATE_ACCEPTED_RISKS=1` rewrites
 * the lists instead of comparing (review the diff before committing it).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudName, loadEnvironments } from "../../../environments";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { buildPlatformApp } from "../../../stacks/platform-app";
import { StackSummary, summarize } from "../../../stacks/synth-summary";

const ROOT = path.resolve(__dirname, "../../..");
export const EXPECTED_DIR = path.join(ROOT, "test", "policy", "accepted-risks");

/** Synthesizes only `cloud`'s stack of every environment; returns the summaries and the policy errors. */
export function synthCloud(cloud: CloudName): { summaries: StackSummary[]; errors: string[] } {
  const environments = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT })
    .filter((e) => e.config.clouds[cloud])
    .map((e) => ({ ...e, config: { ...e.config, clouds: { [cloud]: e.config.clouds[cloud] } } }));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `accepted-${cloud}-`));
  const built = buildPlatformApp({ outdir, environments, catalog: SERVICE_CATALOG, deploymentsDir: fs.mkdtempSync(path.join(os.tmpdir(), "deployments-")), root: ROOT });
  built.app.synth();
  const errors = built.report.errors(built.app).map((f) => `${f.ruleId} at ${f.path}: ${f.message}`);
  const summaries = summarize(outdir, built.stacks.map((s) => ({ name: s.name, suppressions: built.report.suppressions(s.stack.node.path) })));
  fs.rmSync(outdir, { recursive: true, force: true });
  return { summaries, errors };
}

/** The lines a stack's list holds: `CKV_AWS_144  MLOPS-AWS-S3-REPLICATION`. */
export function acceptedLines(summary: StackSummary): string[] {
  return summary.accepted.map((a) => `${a.id}  ${[...new Set(a.because.map((b) => b.ruleId))].join(" ")}`);
}

/** The checked-in list of a stack (comments and blank lines ignored). */
export function expectedLines(stack: string): string[] | undefined {
  const file = path.join(EXPECTED_DIR, `${stack}.txt`);
  if (process.env.UPDATE_ACCEPTED_RISKS === "1") return undefined;
  if (!fs.existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing; run UPDATE_ACCEPTED_RISKS=1 npx jest test/policy/accepted-risks-per-stack and review it`);
  return fs.readFileSync(file, "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

/** Rewrites a stack's list (UPDATE_ACCEPTED_RISKS=1). */
export function writeExpected(stack: string, lines: readonly string[]): void {
  fs.mkdirSync(EXPECTED_DIR, { recursive: true });
  const header = `# Scanner ids ${stack} accepts (synth summary), with the rules that accept them. A change here is a new or dropped accepted risk: review it.\n`;
  fs.writeFileSync(path.join(EXPECTED_DIR, `${stack}.txt`), header + lines.map((l) => `${l}\n`).join(""));
}
