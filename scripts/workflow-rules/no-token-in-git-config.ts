import { WorkflowDoc, WorkflowProblem, WorkflowRule, codeOf, jobsOf, stepsOf } from "./workflow-rule";

/**
 * No token in the git config (`git config url."https://x-access-token:${TOKEN}@github.com/".insteadOf`,
 * an `extraheader` holding a token): it stays there for every later step. The promoter sends
 * GITHUB_TOKEN itself, per command (gitops/git-environment.ts).
 */
export function gitTokenProblems(doc: WorkflowDoc, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const [name, job] of jobsOf(doc)) {
    for (const step of stepsOf(job)) {
      if (typeof step.run !== "string") continue;
      for (const line of step.run.split("\n")) {
        const code = codeOf(line);
        const writesConfig = /insteadOf/i.test(code) || (/git\s+config/.test(code) && /extraheader/i.test(code));
        if (writesConfig && /token|x-access-token|\$\{\{/i.test(code)) {
          problems.push({ file, where: `job ${name}`, message: "writes a token into the git config (insteadOf / extraheader); let the tool send it per command instead" });
        }
      }
    }
  }
  return problems;
}

/** Tokens are sent per command, never stored in the git config. */
export const noTokenInGitConfig: WorkflowRule = {
  id: "WF-NO-TOKEN-IN-GIT-CONFIG",
  description: "No token written into the git config",
  check: ({ doc, file }) => gitTokenProblems(doc, file),
};
