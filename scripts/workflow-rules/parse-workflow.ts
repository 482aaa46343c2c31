import { isMap, parseDocument } from "yaml";
import { WorkflowDoc, WorkflowProblem } from "./workflow-rule";

/** Parses a workflow; a YAML error is a problem, not a crash. */
export function parseWorkflow(text: string, file: string): { doc?: WorkflowDoc; problems: WorkflowProblem[] } {
  const d = parseDocument(text);
  if (d.errors.length > 0) return { problems: d.errors.map((e) => ({ file, where: "yaml", message: e.message })) };
  if (!isMap(d.contents)) return { problems: [{ file, where: "yaml", message: "a workflow must be a mapping" }] };
  return { doc: d.toJS() as WorkflowDoc, problems: [] };
}
