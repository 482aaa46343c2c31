import { companions, resourceCheck } from "./private/resource-check";

/** A bucket replicates its objects to another region. */
export const awsS3Replication = resourceCheck({
  id: "MLOPS-AWS-S3-REPLICATION",
  description: "An S3 bucket has a cross-region replication configuration.",
  scanners: { checkov: ["CKV_AWS_144"] },
  types: ["aws_s3_bucket"],
  problem: (r) => (companions(r, "aws_s3_bucket_replication_configuration").length > 0 ? undefined : "no aws_s3_bucket_replication_configuration for this bucket"),
});
