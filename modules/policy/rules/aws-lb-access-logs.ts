import { attr } from "../rule";
import { resourceCheck } from "./private/resource-check";

/** A load balancer writes access logs to S3. */
export const awsLbAccessLogs = resourceCheck({
  id: "MLOPS-AWS-LB-ACCESS-LOGS",
  description: "A load balancer has access_logs enabled.",
  scanners: { checkov: ["CKV_AWS_91"] },
  types: ["aws_lb", "aws_alb"],
  problem: (r) => (attr(r.attributes, "access_logs", "enabled") === true ? undefined : "access_logs are not enabled"),
});
