import { WorkflowProblem, WorkflowRule } from "./workflow-rule";

/** `uses: owner/repo[/path]@<ref>` with its trailing comment, per line of the text. */
const USES = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(.*))?$/;

/** Every `uses:` of a workflow with its line number and the version its comment names (`# v4.3.1`). */
export function usesLines(text: string): { line: number; uses: string; version?: string }[] {
  return text.split("\n").flatMap((l, i) => {
    const m = USES.exec(l);
    if (!m) return [];
    const v = /^(v\d+(?:\.\d+)*)\b/.exec(m[2]?.trim() ?? "");
    return [{ line: i + 1, uses: m[1], version: v?.[1] }];
  });
}

/**
 * Every action is pinned by a full commit SHA (a tag can be moved, a SHA cannot) with the release it
 * is in as a comment (`@<40 hex> # v4.3.1`), the form Dependabot updates; a `docker://` image by digest.
 * Local workflows and actions (`./`) are this repository's own code.
 */
export function pinProblems(text: string, file: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  for (const { line, uses, version } of usesLines(text)) {
    if (uses.startsWith("./")) continue;
    const where = `line ${line}`;
    if (uses.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses)) problems.push({ file, where, message: `${uses} is not pinned by digest; use docker://<image>@sha256:<digest>` });
      continue;
    }
    const ref = uses.split("@")[1];
    if (!ref || !/^[0-9a-f]{40}$/.test(ref)) {
      problems.push({ file, where, message: `${uses} is not pinned to a commit SHA; use ${uses.split("@")[0]}@<40-hex commit> # <release, like v4.3.1>` });
    } else if (!version) {
      problems.push({ file, where, message: `${uses} has no release comment; add \`# vX.Y.Z\` after the SHA so reviewers and Dependabot see the version` });
    }
  }
  return problems;
}

/** Actions pinned by commit SHA with a release comment. */
export const actionsPinnedBySha: WorkflowRule = {
  id: "WF-ACTIONS-PINNED-BY-SHA",
  description: "Every action is pinned by commit SHA with its release as a comment",
  check: ({ text, file }) => pinProblems(text, file),
};
