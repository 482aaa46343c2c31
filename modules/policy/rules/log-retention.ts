import { PolicyRule, isExpression } from "../rule";

/** Log stores that keep data forever by default; each names its retention attribute. */
const RETENTION_ATTRIBUTE: Record<string, string> = {
  aws_cloudwatch_log_group: "retention_in_days",
  azurerm_log_analytics_workspace: "retention_in_days",
  google_logging_project_bucket_config: "retention_days",
};

/** Every log group has a finite retention: unbounded logs cost money and keep personal data forever. */
export const logRetention: PolicyRule = {
  id: "MLOPS-LOG-RETENTION",
  description: "Every log group has a retention set (never 'keep forever').",
  maps: ["cdk-nag AwsSolutions-ECS7 (logging)", "Checkov CKV_AWS_338"],
  check(resource) {
    const key = RETENTION_ATTRIBUTE[resource.type];
    if (!key) return "not-applicable";
    const days = resource.attributes[key];
    if (isExpression(days)) return "compliant";
    if (typeof days === "number" && days > 0) return "compliant";
    return { status: "non-compliant", detail: `${key} is ${days === undefined ? "not set" : JSON.stringify(days)}` };
  },
};
