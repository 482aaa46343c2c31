import { PolicyRule } from "../rule";

/** A bucket can never be made public, whatever IAM says later: prevention *enforced*, not inherited. */
export const gcpBucketPublicAccessPrevention: PolicyRule = {
  id: "MLOPS-GCP-BUCKET-PUBLIC-ACCESS-PREVENTION",
  description: 'Cloud Storage buckets enforce public access prevention (public_access_prevention = "enforced").',
  maps: ["Checkov CKV_GCP_114"],
  check(resource) {
    if (resource.type !== "google_storage_bucket") return "not-applicable";
    const v = resource.attributes.public_access_prevention;
    return v === "enforced" ? "compliant" : { status: "non-compliant", detail: `public_access_prevention is ${v === undefined ? "not set (inherited)" : JSON.stringify(v)}` };
  },
};
