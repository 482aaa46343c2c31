import { isSet, resourceCheck } from "./private/resource-check";

/** An Artifact Registry repository encrypts with a customer-managed key. */
export const gcpRegistryCmek = resourceCheck({
  id: "MLOPS-GCP-REGISTRY-CMEK",
  description: "An Artifact Registry repository sets kms_key_name.",
  scanners: { checkov: ["CKV_GCP_84"] },
  types: ["google_artifact_registry_repository"],
  problem: (r) => (isSet(r.attributes.kms_key_name) ? undefined : "no kms_key_name"),
});
