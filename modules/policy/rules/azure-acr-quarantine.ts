import { resourceCheck } from "./private/resource-check";

/** A registry quarantines pushed images until a scanner releases them. */
export const azureAcrQuarantine = resourceCheck({
  id: "MLOPS-AZURE-ACR-QUARANTINE",
  description: "A container registry has quarantine_policy_enabled.",
  scanners: { checkov: ["CKV_AZURE_166"] },
  types: ["azurerm_container_registry"],
  problem: (r) => (r.attributes.quarantine_policy_enabled === true ? undefined : "quarantine_policy_enabled is not true"),
});
