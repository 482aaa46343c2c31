import { resourceCheck } from "./private/resource-check";

/** Nobody is Owner of the project (`gcp-ci-admin-only-builder` limits who may be; this names every grant). */
export const gcpProjectOwner = resourceCheck({
  id: "MLOPS-GCP-PROJECT-OWNER",
  description: "No principal has roles/owner on the project.",
  // roles/owner is a basic role (117), an admin role for a service account (42) and can impersonate service accounts (49).
  scanners: { checkov: ["CKV_GCP_42", "CKV_GCP_49", "CKV_GCP_117"] },
  types: ["google_project_iam_member", "google_project_iam_binding"],
  problem: (r) => (r.attributes.role === "roles/owner" ? "grants roles/owner" : undefined),
});
