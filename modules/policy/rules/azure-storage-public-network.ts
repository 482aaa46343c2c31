import { resourceCheck } from "./private/resource-check";

/** A storage account has no public endpoint at all (Checkov CKV_AZURE_59: public_network_access_enabled false). */
export const azureStoragePublicNetwork = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-PUBLIC-NETWORK",
  description: "A storage account has public_network_access_enabled = false.",
  scanners: { checkov: ["CKV_AZURE_59"] },
  types: ["azurerm_storage_account"],
  problem: (r) => (r.attributes.public_network_access_enabled === false ? undefined : "public_network_access_enabled is not false"),
});
