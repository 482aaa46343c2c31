import { resourceCheck } from "./private/resource-check";

/** A load balancer cannot be deleted by accident. */
export const awsLbDeletionProtection = resourceCheck({
  id: "MLOPS-AWS-LB-DELETION-PROTECTION",
  description: "A load balancer has enable_deletion_protection.",
  scanners: { checkov: ["CKV_AWS_150"] },
  types: ["aws_lb", "aws_alb"],
  problem: (r) => (r.attributes.enable_deletion_protection === true ? undefined : "enable_deletion_protection is not true"),
});
