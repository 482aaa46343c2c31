import { PolicyRule, attr } from "../rule";

const ACCEPTED = ["aws:kms", "aws:kms:dsse", "AES256"];

/** A bucket has a default-encryption configuration. */
export const awsS3Encrypted: PolicyRule = {
  id: "MLOPS-AWS-S3-ENCRYPTED",
  description: "S3 buckets have default encryption configured (SSE-KMS or SSE-S3).",
  maps: ["Checkov CKV_AWS_145", "CKV_AWS_19"],
  check(resource) {
    if (resource.type !== "aws_s3_bucket") return "not-applicable";
    const configs = resource.related("aws_s3_bucket_server_side_encryption_configuration");
    const algorithms = configs.map((c) => attr(c.attributes, "rule", "apply_server_side_encryption_by_default", "sse_algorithm"));
    if (algorithms.some((a) => typeof a === "string" && ACCEPTED.includes(a))) return "compliant";
    return { status: "non-compliant", detail: configs.length === 0 ? "no aws_s3_bucket_server_side_encryption_configuration" : `algorithm ${JSON.stringify(algorithms)}` };
  },
};
