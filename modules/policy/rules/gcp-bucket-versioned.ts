import { PolicyRule, attr } from "../rule";

/** Overwritten or deleted data can be recovered. */
export const gcpBucketVersioned: PolicyRule = {
  id: "MLOPS-GCP-BUCKET-VERSIONED",
  description: "Cloud Storage buckets keep object versions.",
  maps: ["Checkov CKV_GCP_78"],
  check(resource) {
    if (resource.type !== "google_storage_bucket") return "not-applicable";
    return attr(resource.attributes, "versioning", "enabled") === true ? "compliant" : { status: "non-compliant", detail: "versioning is not enabled" };
  },
};
