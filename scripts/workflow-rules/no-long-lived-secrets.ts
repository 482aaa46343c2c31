import { WorkflowProblem, WorkflowRule, codeOf } from "./workflow-rule";

/**
 * Names of credentials that never expire; none may appear in a workflow, in any form (`secrets.X`,
 * `env: X`, an action input). Only `secrets.GITHUB_TOKEN` is allowed.
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

/** Long-lived credential names anywhere in the text, and any secret other than GITHUB_TOKEN. */
export function secretProblems(text: string, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  text.split("\n").forEach((line, i) => {
    const code = codeOf(line);
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

/** No long-lived cloud credential and no secret but GITHUB_TOKEN. */
export const noLongLivedSecrets: WorkflowRule = {
  id: "WF-NO-LONG-LIVED-SECRETS",
  description: "No long-lived cloud credential anywhere; only secrets.GITHUB_TOKEN",
  check: ({ text, file }) => secretProblems(text, file),
};
