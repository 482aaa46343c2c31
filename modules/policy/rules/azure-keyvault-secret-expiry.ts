import { isSet, resourceCheck } from "./private/resource-check";

/** A Key Vault secret has an expiry date. */
export const azureKeyVaultSecretExpiry = resourceCheck({
  id: "MLOPS-AZURE-KEYVAULT-SECRET-EXPIRY",
  description: "A Key Vault secret sets expiration_date.",
  scanners: { checkov: ["CKV_AZURE_41"], trivy: ["AVD-AZU-0017"] },
  types: ["azurerm_key_vault_secret"],
  problem: (r) => (isSet(r.attributes.expiration_date) ? undefined : "no expiration_date"),
});
