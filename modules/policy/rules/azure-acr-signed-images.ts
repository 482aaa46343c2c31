import { attr } from "../rule";
import { resourceCheck } from "./private/resource-check";

/** A registry only serves signed images (Docker Content Trust). */
export const azureAcrSignedImages = resourceCheck({
  id: "MLOPS-AZURE-ACR-SIGNED-IMAGES",
  description: "A container registry has its trust policy enabled.",
  scanners: { checkov: ["CKV_AZURE_164"] },
  types: ["azurerm_container_registry"],
  problem: (r) => (r.attributes.trust_policy_enabled === true || attr(r.attributes, "trust_policy", "enabled") === true ? undefined : "trust_policy_enabled is not true"),
});
