import { PolicyRule } from "../rule";

const FLAGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/** A bucket has all four public-access blocks on. */
export const awsS3PublicAccessBlocked: PolicyRule = {
  id: "MLOPS-AWS-S3-PUBLIC-ACCESS-BLOCKED",
  description: "S3 buckets block every form of public access (all four public-access-block flags).",
  maps: ["Checkov CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6", "cdk-nag AwsSolutions-S2"],
  check(resource) {
    if (resource.type !== "aws_s3_bucket") return "not-applicable";
    const blocks = resource.related("aws_s3_bucket_public_access_block");
    if (blocks.length === 0) return { status: "non-compliant", detail: "no aws_s3_bucket_public_access_block" };
    const off = FLAGS.filter((f) => !blocks.some((b) => b.attributes[f] === true));
    return off.length === 0 ? "compliant" : { status: "non-compliant", detail: `not set: ${off.join(", ")}` };
  },
};
