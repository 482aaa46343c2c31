import { resourceCheck } from "./private/resource-check";

/** A Key Vault has no public endpoint at all (Checkov CKV_AZURE_189). */
export const azureKeyVaultPublicNetwork = resourceCheck({
  id: "MLOPS-AZURE-KEYVAULT-PUBLIC-NETWORK",
  description: "A Key Vault has public_network_access_enabled = false.",
  scanners: { checkov: ["CKV_AZURE_189"] },
  types: ["azurerm_key_vault"],
  problem: (r) => (r.attributes.public_network_access_enabled === false ? undefined : "public_network_access_enabled is not false"),
});
