import { companions, resourceCheck } from "./private/resource-check";

/** A bucket's requests are logged (a bucket that receives the logs is the log, not a gap). */
export const awsS3AccessLogging = resourceCheck({
  id: "MLOPS-AWS-S3-ACCESS-LOGGING",
  description: "An S3 bucket has server access logging (or is the access-log target).",
  scanners: { checkov: ["CKV_AWS_18"], trivy: ["AVD-AWS-0089"] },
  types: ["aws_s3_bucket"],
  problem: (r) =>
    companions(r, "aws_s3_bucket_logging").length > 0 || companions(r, "aws_s3_bucket_logging", "target_bucket").length > 0 ? undefined : "no aws_s3_bucket_logging for this bucket",
});
