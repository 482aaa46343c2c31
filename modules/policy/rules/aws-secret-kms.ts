import { isSet, resourceCheck } from "./private/resource-check";

/** A Secrets Manager secret encrypts with a customer-managed KMS key. */
export const awsSecretKms = resourceCheck({
  id: "MLOPS-AWS-SECRET-KMS",
  description: "A Secrets Manager secret sets kms_key_id.",
  scanners: { checkov: ["CKV_AWS_149"], trivy: ["AVD-AWS-0098"] },
  types: ["aws_secretsmanager_secret"],
  problem: (r) => (isSet(r.attributes.kms_key_id) ? undefined : "no kms_key_id (the AWS-managed key is used)"),
});
