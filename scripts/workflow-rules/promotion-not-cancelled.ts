import { WorkflowDoc, WorkflowProblem, WorkflowRule, concurrencyGroup, jobsOf, stepsOf } from "./workflow-rule";

/**
 * A job that runs the promoter is in no concurrency group shared between runs: a group keeps one pending
 * job and cancels the pending one before it, so a promotion would be dropped without a trace. (The
 * promoter retries a rejected push, so concurrent promotions are safe.) A group holding `github.run_id`
 * is unique per run and allowed.
 */
export function promotionConcurrencyProblems(doc: WorkflowDoc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    const promotes = stepsOf(job).some((s) => typeof s.run === "string" && /\bpromote\s+--\s+promote\b|gitops\/cli\.ts\s+promote\b/.test(s.run));
    if (!promotes || job.concurrency === undefined) continue;
    const group = concurrencyGroup(job);
    if (typeof group !== "string" || !/github\.run_id/.test(group)) {
      problems.push({ file, where: `job ${name}`, message: `runs the promoter in the concurrency group ${JSON.stringify(group)}; a pending promotion there is cancelled by the next one (drop the group)` });
    }
  }
  return problems;
}

/** Promotions are never dropped by a shared concurrency group. */
export const promotionNotCancelled: WorkflowRule = {
  id: "WF-PROMOTION-NOT-CANCELLED",
  description: "A promotion job is in no concurrency group shared between runs",
  check: ({ doc, file }) => promotionConcurrencyProblems(doc, file),
};
