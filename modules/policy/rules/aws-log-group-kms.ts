import { isSet, resourceCheck } from "./private/resource-check";

/** A CloudWatch log group encrypts with a KMS key. */
export const awsLogGroupKms = resourceCheck({
  id: "MLOPS-AWS-LOG-GROUP-KMS",
  description: "A CloudWatch log group sets kms_key_id.",
  scanners: { checkov: ["CKV_AWS_158"], trivy: ["AVD-AWS-0017"] },
  types: ["aws_cloudwatch_log_group"],
  problem: (r) => (isSet(r.attributes.kms_key_id) ? undefined : "no kms_key_id"),
});
