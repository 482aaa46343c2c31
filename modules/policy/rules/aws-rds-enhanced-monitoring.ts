import { resourceCheck } from "./private/resource-check";

/** Checkov's accepted intervals for `monitoring_interval` (0 turns enhanced monitoring off). */
const INTERVALS = [1, 5, 10, 15, 30, 60];

/** A database instance sends OS metrics (enhanced monitoring) through a monitoring role. */
export const awsRdsEnhancedMonitoring = resourceCheck({
  id: "MLOPS-AWS-RDS-ENHANCED-MONITORING",
  description: "An RDS instance has enhanced monitoring on (monitoring_interval 1-60 with a monitoring role).",
  scanners: { checkov: ["CKV_AWS_118"] },
  types: ["aws_db_instance"],
  problem: (r) =>
    !INTERVALS.includes(Number(r.attributes.monitoring_interval))
      ? `monitoring_interval is ${JSON.stringify(r.attributes.monitoring_interval)}, not one of ${INTERVALS.join(", ")}`
      : !r.attributes.monitoring_role_arn
        ? "no monitoring_role_arn"
        : undefined,
});
