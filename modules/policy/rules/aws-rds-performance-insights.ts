import { resourceCheck } from "./private/resource-check";

/** A database instance records Performance Insights. */
export const awsRdsPerformanceInsights = resourceCheck({
  id: "MLOPS-AWS-RDS-PERFORMANCE-INSIGHTS",
  description: "An RDS instance has Performance Insights enabled.",
  scanners: { checkov: ["CKV_AWS_353"], trivy: ["AVD-AWS-0133"] },
  types: ["aws_db_instance"],
  problem: (r) => (r.attributes.performance_insights_enabled === true ? undefined : "performance_insights_enabled is not true"),
});
