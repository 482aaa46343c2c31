import { resourceCheck } from "./private/resource-check";

/** Classic Storage Analytics logs read into Log Analytics (Checkov CKV2_AZURE_21: an azurerm_log_analytics_storage_insights on the account). */
export const azureBlobStorageInsights = resourceCheck({
  id: "MLOPS-AZURE-BLOB-STORAGE-INSIGHTS",
  description: "A storage account has an azurerm_log_analytics_storage_insights (classic blob read logging).",
  scanners: { checkov: ["CKV2_AZURE_21"] },
  types: ["azurerm_storage_account"],
  problem: (r) => (r.related("azurerm_log_analytics_storage_insights").length > 0 ? undefined : "no azurerm_log_analytics_storage_insights reads this account's classic logs"),
});
