import { resourceCheck } from "./private/resource-check";

/** A storage account is reached through a private endpoint (Checkov CKV2_AZURE_33: an endpoint connected to it). */
export const azureStoragePrivateEndpoint = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-PRIVATE-ENDPOINT",
  description: "A storage account has a private endpoint.",
  scanners: { checkov: ["CKV2_AZURE_33"] },
  types: ["azurerm_storage_account"],
  problem: (r) => (r.related("azurerm_private_endpoint").length > 0 ? undefined : "no azurerm_private_endpoint connects to this account"),
});
