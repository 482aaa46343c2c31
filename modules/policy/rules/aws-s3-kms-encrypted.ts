import { attr } from "../rule";
import { companions, resourceCheck } from "./private/resource-check";

/** A bucket's default encryption is a KMS key (SSE-KMS), not S3-managed keys. */
export const awsS3KmsEncrypted = resourceCheck({
  id: "MLOPS-AWS-S3-KMS",
  description: "An S3 bucket encrypts with KMS by default.",
  scanners: { checkov: ["CKV_AWS_145"], trivy: ["AVD-AWS-0132"] },
  types: ["aws_s3_bucket"],
  problem: (r) => {
    const algorithms = companions(r, "aws_s3_bucket_server_side_encryption_configuration").map((c) => attr(c.attributes, "rule", "apply_server_side_encryption_by_default", "sse_algorithm"));
    return algorithms.some((a) => a === "aws:kms" || a === "aws:kms:dsse") ? undefined : `default encryption is ${algorithms.length ? algorithms.join(", ") : "not configured"}, not aws:kms`;
  },
});
