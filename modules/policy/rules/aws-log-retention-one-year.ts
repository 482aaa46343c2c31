import { resourceCheck } from "./private/resource-check";

/** A log group keeps its logs at least a year (0 means forever). `log-retention` only asks that one is set. */
export const awsLogRetentionOneYear = resourceCheck({
  id: "MLOPS-AWS-LOG-RETENTION-ONE-YEAR",
  description: "A CloudWatch log group keeps logs for at least 365 days.",
  scanners: { checkov: ["CKV_AWS_338"] },
  types: ["aws_cloudwatch_log_group"],
  problem: (r) => {
    const days = r.attributes.retention_in_days;
    return typeof days === "number" && days > 0 && days < 365 ? `retention_in_days is ${days}` : undefined;
  },
});
