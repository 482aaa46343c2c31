import { attr } from "../rule";
import { resourceCheck } from "./private/resource-check";

/** A Cloud KMS key refuses any plan that destroys it (every CMEK resource is unreadable once its versions are gone). */
export const gcpKmsPreventDestroy = resourceCheck({
  id: "MLOPS-GCP-KMS-PREVENT-DESTROY",
  description: "A google_kms_crypto_key sets lifecycle.prevent_destroy = true.",
  scanners: { checkov: ["CKV_GCP_82"] },
  types: ["google_kms_crypto_key"],
  problem: (r) => (attr(r.attributes, "lifecycle", "prevent_destroy") === true ? undefined : "lifecycle.prevent_destroy is not true"),
});
