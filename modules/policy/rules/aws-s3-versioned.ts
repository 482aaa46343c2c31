import { PolicyRule, attr } from "../rule";

/** A bucket keeps object versions (DVC remotes and MLflow artifacts must survive overwrites). */
export const awsS3Versioned: PolicyRule = {
  id: "MLOPS-AWS-S3-VERSIONED",
  description: "S3 buckets have versioning enabled.",
  maps: ["Checkov CKV_AWS_21"],
  check(resource) {
    if (resource.type !== "aws_s3_bucket") return "not-applicable";
    const v = resource.related("aws_s3_bucket_versioning").map((c) => attr(c.attributes, "versioning_configuration", "status"));
    if (v.includes("Enabled")) return "compliant";
    return { status: "non-compliant", detail: v.length === 0 ? "no aws_s3_bucket_versioning" : `status ${JSON.stringify(v)}` };
  },
};
