export * from "./workflow-rule";
export { WORKFLOW_RULES } from "./workflow-pack";
export { parseWorkflow } from "./parse-workflow";
