import { z } from "zod";
import { ConfigProblem, describeValue } from "./errors";

/** Turns zod issues into one ConfigProblem per issue, quoting the value found at each path. */
export function zodProblems(file: string, error: z.ZodError, input: unknown): ConfigProblem[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        file,
        field: field ? `${field}.${key}` : key,
        expected: field === "clouds" ? "one of aws, azure, gcp" : "no such field (it is not part of the schema)",
        found: describeValue(key),
      }));
    }
    return [{ file, field, expected: expectedOf(issue), found: describeValue(valueAt(input, issue.path)) }];
  });
}

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `a ${issue.expected}`;
    case "invalid_value":
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      if (issue.message && !issue.message.startsWith("Invalid")) return issue.message;
      return "one of the documented forms";
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
