import { PolicyRule } from "../rule";

const PUBLIC = ["allUsers", "allAuthenticatedUsers"];

/** IAM resources of data, images, secrets, topics and keys; Cloud Run has its own rule. */
const IAM_TYPE = /^google_(storage_bucket|artifact_registry_repository|secret_manager_secret|pubsub_topic|pubsub_subscription|kms_crypto_key|kms_key_ring)_iam_(member|binding)$/;

/** Nothing but Cloud Run may be granted to the whole internet. */
export const gcpPublicPrincipal: PolicyRule = {
  id: "MLOPS-GCP-PUBLIC-PRINCIPAL",
  description: "No bucket, repository, secret, topic or key grants a role to allUsers or allAuthenticatedUsers.",
  maps: ["Checkov CKV_GCP_28", "Checkov CKV_GCP_101"],
  check(resource) {
    if (!IAM_TYPE.test(resource.type)) return "not-applicable";
    const a = resource.attributes;
    const members = [a.member, ...(Array.isArray(a.members) ? a.members : [])].filter((m): m is string => typeof m === "string");
    const bad = members.filter((m) => PUBLIC.includes(m));
    return bad.length === 0 ? "compliant" : { status: "non-compliant", detail: `${String(a.role)} granted to ${bad.join(", ")}` };
  },
};
