import { companions, resourceCheck } from "./private/resource-check";

/** A bucket sends event notifications (someone is told when objects change). */
export const awsS3EventNotifications = resourceCheck({
  id: "MLOPS-AWS-S3-EVENT-NOTIFICATIONS",
  description: "An S3 bucket has event notifications.",
  scanners: { checkov: ["CKV2_AWS_62"] },
  types: ["aws_s3_bucket"],
  problem: (r) => (companions(r, "aws_s3_bucket_notification").length > 0 ? undefined : "no aws_s3_bucket_notification for this bucket"),
});
