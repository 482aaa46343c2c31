import { isSet, resourceCheck } from "./private/resource-check";

/** A storage account encrypts with a customer-managed key (Checkov CKV2_AZURE_1). */
export const azureStorageCmk = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-CMK",
  description: "A storage account has customer_managed_key or an azurerm_storage_account_customer_managed_key.",
  scanners: { checkov: ["CKV2_AZURE_1"] },
  types: ["azurerm_storage_account"],
  problem: (r) =>
    isSet(r.attributes.customer_managed_key) || r.related("azurerm_storage_account_customer_managed_key").some((k) => String(k.attributes.storage_account_id ?? "").includes(`\${${r.address}.`))
      ? undefined
      : "encrypted with Microsoft-managed keys (no customer_managed_key)",
});
