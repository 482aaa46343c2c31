import { PolicyRule, isExpression } from "../rule";

/**
 * Storage accounts turn shared-key (account key and SAS) authorization off, so every access is an
 * Entra ID identity with a role. azurerm defaults to on, so unset is non-compliant.
 */
export const azureStorageSharedKey: PolicyRule = {
  id: "MLOPS-AZURE-STORAGE-SHARED-KEY",
  description: "Storage accounts disable shared-key authorization (Entra ID and RBAC only).",
  maps: ["Checkov CKV2_AZURE_40"],
  scanners: { checkov: ["CKV2_AZURE_40"] },
  check(resource) {
    if (resource.type !== "azurerm_storage_account") return "not-applicable";
    const v = resource.attributes.shared_access_key_enabled;
    if (v === false || isExpression(v)) return "compliant";
    return { status: "non-compliant", detail: `shared_access_key_enabled is ${v === undefined ? "not set (azurerm defaults to true)" : JSON.stringify(v)}` };
  },
};
