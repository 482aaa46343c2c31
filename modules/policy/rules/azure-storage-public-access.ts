import { PolicyRule, isExpression } from "../rule";

/**
 * No anonymous reads from Blob: the account forbids public containers
 * (`allow_nested_items_to_be_public = false`; azurerm's default is true) and no container is
 * `blob` or `container` access.
 */
export const azureStoragePublicAccess: PolicyRule = {
  id: "MLOPS-AZURE-STORAGE-PUBLIC-ACCESS",
  description: "Storage accounts forbid public blob access and containers are private.",
  maps: ["Checkov CKV_AZURE_190", "Checkov CKV_AZURE_34"],
  check(resource) {
    const a = resource.attributes;
    if (resource.type === "azurerm_storage_account") {
      const v = a.allow_nested_items_to_be_public;
      if (v === false || isExpression(v)) return "compliant";
      return { status: "non-compliant", detail: `allow_nested_items_to_be_public is ${v === undefined ? "not set (azurerm defaults to true)" : JSON.stringify(v)}` };
    }
    if (resource.type === "azurerm_storage_container") {
      const v = a.container_access_type;
      if (v === undefined || v === "private" || isExpression(v)) return "compliant";
      return { status: "non-compliant", detail: `container_access_type is ${JSON.stringify(v)}` };
    }
    return "not-applicable";
  },
};
