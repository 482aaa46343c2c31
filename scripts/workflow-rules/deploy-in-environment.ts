import { WorkflowDoc, WorkflowProblem, WorkflowRule, concurrencyGroup, jobsOf, stepsOf } from "./workflow-rule";

/**
 * A job running `cdktf deploy` (or `terraform apply`) runs in a GitHub environment (reviewers, scoped
 * variables) and under a concurrency group keyed by the stack, never cancelled midway.
 */
export function deployProblems(doc: WorkflowDoc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    const deploys = stepsOf(job).some((s) => typeof s.run === "string" && /cdktf\s+deploy|terraform\s+apply/.test(s.run));
    if (!deploys) continue;
    if (!job.environment) problems.push({ file, where: `job ${name}`, message: "deploys without `environment:`; run it in the GitHub environment of the same name" });
    const group = concurrencyGroup(job);
    if (typeof group !== "string" || !/matrix\.stack/.test(group)) {
      problems.push({ file, where: `job ${name}`, message: "deploys without a concurrency group that includes the stack (`${{ matrix.stack }}`); two deploys of one stack could overlap" });
    } else if (typeof job.concurrency === "object" && (job.concurrency as Record<string, unknown>)["cancel-in-progress"] === true) {
      problems.push({ file, where: `job ${name}`, message: "cancels a deploy in progress; set `cancel-in-progress: false` (a cancelled apply leaves state locked)" });
    }
  }
  return problems;
}

/** Deploys in a GitHub environment, one per stack at a time. */
export const deployInEnvironment: WorkflowRule = {
  id: "WF-DEPLOY-IN-ENVIRONMENT",
  description: "A deploy job runs in a GitHub environment under a per-stack concurrency group that is never cancelled",
  check: ({ doc, file }) => deployProblems(doc, file),
};
