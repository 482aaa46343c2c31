import { attr } from "../rule";
import { resourceCheck } from "./private/resource-check";

/** An ECR repository encrypts with a KMS key. */
export const awsEcrKms = resourceCheck({
  id: "MLOPS-AWS-ECR-KMS",
  description: "An ECR repository encrypts with KMS.",
  scanners: { checkov: ["CKV_AWS_136"], trivy: ["AVD-AWS-0033"] },
  types: ["aws_ecr_repository"],
  problem: (r) => (attr(r.attributes, "encryption_configuration", "encryption_type") === "KMS" ? undefined : "encryption_configuration.encryption_type is not KMS"),
});
