import { PolicyRule } from "../rule";

interface Statement {
  Effect?: string;
  Condition?: { Bool?: Record<string, unknown> };
}

/** A bucket's policy denies requests that are not over TLS. */
export const awsS3TlsOnly: PolicyRule = {
  id: "MLOPS-AWS-S3-TLS-ONLY",
  description: "S3 bucket policies deny requests without TLS (aws:SecureTransport false).",
  maps: ["cdk-nag AwsSolutions-S10", "Checkov CKV_AWS_379 (TLS)"],
  check(resource) {
    if (resource.type !== "aws_s3_bucket") return "not-applicable";
    const policies = resource.related("aws_s3_bucket_policy").map((p) => p.attributes.policy);
    const denies = policies.some((text) => {
      if (typeof text !== "string") return false;
      const doc = JSON.parse(text) as { Statement?: Statement[] };
      return (doc.Statement ?? []).some((s) => s.Effect === "Deny" && String(s.Condition?.Bool?.["aws:SecureTransport"]) === "false");
    });
    return denies ? "compliant" : { status: "non-compliant", detail: policies.length === 0 ? "no bucket policy" : "no statement denies aws:SecureTransport=false" };
  },
};
