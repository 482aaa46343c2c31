import { isSet, resourceCheck } from "./private/resource-check";

/** An SNS topic encrypts with a KMS key. */
export const awsSnsKms = resourceCheck({
  id: "MLOPS-AWS-SNS-KMS",
  description: "An SNS topic sets kms_master_key_id.",
  scanners: { checkov: ["CKV_AWS_26"], trivy: ["AVD-AWS-0095"] },
  types: ["aws_sns_topic"],
  problem: (r) => (isSet(r.attributes.kms_master_key_id) ? undefined : "no kms_master_key_id"),
});
