import { z } from "zod";
import { ConfigProblem, describeValue, visible } from "./errors";

/** Turns zod issues into one ConfigProblem per issue, quoting the value found at each path. */
export function zodProblems(file: string, error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    const field = visible(issue.path.map(String).join("."), false);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        file,
        field: field ? `${field}.${key}` : key,
        expected: field === "clouds" ? "one of aws, azure, gcp" : "no such field (it is not part of the schema)",
        found: describeValue(key),
      }));
    }
    const value = valueAt(input, issue.path);
    if (issue.code === "invalid_key") {
      // A record key that is refused: the key is what was found, the key rule is what is expected.
      const key = issue.path[issue.path.length - 1];
      return [{ file, field, expected: issue.issues.map((i) => expectedOf(i)).join("; "), found: describeValue(String(key)) }];
    }
    if (issue.code === "invalid_type" && issue.expected === "number" && typeof value === "number") {
      return [{ file, field, expected: "a finite number", found: describeValue(value) }];
    }
    return [{ file, field, expected: expectedOf(issue), found: describeValue(value) }];
  });
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `a ${issue.expected}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union": {
      if (issue.message && !issue.message.startsWith("Invalid")) return issue.message;
      // A discriminated union names its options; a union of literals has one invalid_value per option.
      const options = "options" in issue && Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
      const literals = issue.errors.flatMap((branch) => (branch.length === 1 && branch[0].code === "invalid_value" ? branch[0].values : []));
      const allowed = options.length > 0 ? options : literals;
      if (allowed.length > 0 && (options.length > 0 || literals.length === issue.errors.length)) {
        return `one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
      }
      return `one of: ${issue.errors.map((branch) => branch.map((i) => expectedOf(i)).join(" and ")).join("; or ")}`;
    }
    case "too_small":
      if (issue.message && !issue.message.startsWith("Too small")) return issue.message;
      return `${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}`;
    case "too_big":
      if (issue.message && !issue.message.startsWith("Too big")) return issue.message;
      return `${issue.inclusive === false ? "less than" : "at most"} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let here: unknown = input;
  for (const key of path) {
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}
