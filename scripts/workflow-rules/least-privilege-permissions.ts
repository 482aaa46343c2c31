import { CalledWorkflowText, WorkflowDoc, WorkflowJob, WorkflowProblem, WorkflowRule, jobsOf, stepsOf } from "./workflow-rule";
import { parseWorkflow } from "./parse-workflow";

/** Actions that exchange the job's OIDC token for cloud credentials. */
export const CLOUD_LOGIN_ACTIONS = ["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth"] as const;

function grants(perms: unknown, scope: string, level: "write" | "read"): boolean {
  if (perms === "write-all") return true;
  if (perms === "read-all") return level === "read";
  if (!perms || typeof perms !== "object") return false;
  const v = (perms as Record<string, unknown>)[scope];
  return v === "write" || (level === "read" && v === "read");
}

/** Does a job log in to a cloud (directly, or by calling a workflow of this repository that does)? */
export function logsInToCloud(job: WorkflowJob, calledWorkflowText?: CalledWorkflowText): boolean {
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
export function permissionProblems(doc: WorkflowDoc, file: string, calledWorkflowText?: CalledWorkflowText): WorkflowProblem[] {
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
    if (needsToken && !has) problems.push({ file, where: `job ${name}`, message: "logs in to a cloud but does not grant `permissions: id-token: write` on the job" });
    if (!needsToken && has) problems.push({ file, where: `job ${name}`, message: "grants `id-token: write` but logs in to no cloud; drop it" });
  }
  return problems;
}

/** Least-privilege GITHUB_TOKEN and OIDC only where a job logs in. */
export const leastPrivilegePermissions: WorkflowRule = {
  id: "WF-LEAST-PRIVILEGE-PERMISSIONS",
  description: "A top-level read-only permissions block; id-token: write exactly on the jobs that log in to a cloud",
  check: ({ doc, file, calledWorkflowText }) => permissionProblems(doc, file, calledWorkflowText),
};
