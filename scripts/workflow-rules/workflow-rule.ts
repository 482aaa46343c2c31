/**
 * The contract of one workflow check (as `modules/policy/rule.ts` is for resources): a pure function of
 * one workflow's text and parsed document, returning its problems. One rule per file in this folder.
 */

/** One finding: the file, where (a job or a line), and what is wrong. */
export interface WorkflowProblem {
  readonly file: string;
  readonly where: string;
  readonly message: string;
}

/** A parsed workflow, loosely typed: rules look at the keys they know. */
export type WorkflowDoc = Record<string, unknown>;
export type WorkflowJob = Record<string, unknown>;

/** Reads a workflow of this repository named by a job's `uses: ./.github/workflows/x.yml`. */
export type CalledWorkflowText = (uses: string) => string | undefined;

/** What a rule gets: the raw text (comments and line numbers), the parsed document, the file name. */
export interface WorkflowInput {
  readonly text: string;
  readonly doc: WorkflowDoc;
  readonly file: string;
  readonly calledWorkflowText?: CalledWorkflowText;
}

export interface WorkflowRule {
  /** Stable id, like `WF-ACTIONS-PINNED`. */
  readonly id: string;
  readonly description: string;
  check(input: WorkflowInput): WorkflowProblem[];
}

/** The jobs of a workflow that are mappings. */
export function jobsOf(doc: WorkflowDoc): [string, WorkflowJob][] {
  const jobs = doc.jobs;
  return jobs && typeof jobs === "object" ? (Object.entries(jobs as Record<string, unknown>).filter(([, j]) => j && typeof j === "object") as [string, WorkflowJob][]) : [];
}

/** The steps of a job that are mappings. */
export function stepsOf(job: WorkflowJob): Record<string, unknown>[] {
  return Array.isArray(job.steps) ? (job.steps.filter((s) => s && typeof s === "object") as Record<string, unknown>[]) : [];
}

/** A job's concurrency group, whichever form it is written in. */
export function concurrencyGroup(job: WorkflowJob): unknown {
  const c = job.concurrency;
  return typeof c === "string" ? c : c && typeof c === "object" ? (c as Record<string, unknown>).group : undefined;
}

/** A line without its trailing `# comment`. */
export function codeOf(line: string): string {
  return line.replace(/(^|\s)#.*$/, "");
}
