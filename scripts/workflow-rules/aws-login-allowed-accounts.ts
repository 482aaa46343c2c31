import { WorkflowDoc, WorkflowProblem, WorkflowRule, jobsOf, stepsOf } from "./workflow-rule";
import { usesLines } from "./actions-pinned-by-sha";

const AWS_LOGIN = "aws-actions/configure-aws-credentials@";

function major(version: string | undefined): number | undefined {
  const m = /^v(\d+)/.exec(version ?? "");
  return m ? Number(m[1]) : undefined;
}

/**
 * `allowed-account-ids` is an input of configure-aws-credentials since v5.0.0 (its action.yml at v4.3.1
 * has no such input: v4 warns about an unexpected input and enforces nothing). A step passing it must
 * run v5 or later, read from the release comment of its pin.
 */
export function awsAllowedAccountProblems(doc: WorkflowDoc, text: string, file: string): WorkflowProblem[] {
  const versions = new Map(usesLines(text).map((u) => [u.uses, u.version]));
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    for (const step of stepsOf(job)) {
      const uses = step.uses;
      if (typeof uses !== "string" || !uses.toLowerCase().startsWith(AWS_LOGIN)) continue;
      const inputs = (step.with ?? {}) as Record<string, unknown>;
      if (!("allowed-account-ids" in inputs)) continue;
      const m = major(versions.get(uses) ?? uses.split("@")[1]);
      if (m === undefined || m < 5) {
        problems.push({ file, where: `job ${name}`, message: `${uses} passes allowed-account-ids, which only v5 and later enforce; pin a v5+ release (found ${versions.get(uses) ?? "no release comment"})` });
      }
    }
  }
  return problems;
}

/** The account allow-list is enforced by an action version that knows it. */
export const awsLoginAllowedAccounts: WorkflowRule = {
  id: "WF-AWS-ALLOWED-ACCOUNTS-V5",
  description: "configure-aws-credentials steps passing allowed-account-ids run v5 or later",
  check: ({ doc, text, file }) => awsAllowedAccountProblems(doc, text, file),
};
