import { PolicyRule } from "../rule";

/** IAM only, no per-object ACLs that nobody reviews. */
export const gcpBucketUniformAccess: PolicyRule = {
  id: "MLOPS-GCP-BUCKET-UNIFORM-ACCESS",
  description: "Cloud Storage buckets use uniform bucket-level access (no object ACLs).",
  maps: ["Checkov CKV_GCP_29"],
  check(resource) {
    if (resource.type !== "google_storage_bucket") return "not-applicable";
    const v = resource.attributes.uniform_bucket_level_access;
    return v === true ? "compliant" : { status: "non-compliant", detail: `uniform_bucket_level_access is ${v === undefined ? "not set" : JSON.stringify(v)}` };
  },
};
