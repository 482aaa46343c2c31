import { resourceCheck } from "./private/resource-check";

/** An account that still has shared keys limits the SAS tokens minted from them (Checkov CKV2_AZURE_41: sas_policy.expiration_period). */
export const azureStorageSasExpiry = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-SAS-EXPIRY",
  description: "A storage account with shared keys has a sas_policy with an expiration_period.",
  scanners: { checkov: ["CKV2_AZURE_41"] },
  types: ["azurerm_storage_account"],
  problem: (r) => {
    if (r.attributes.shared_access_key_enabled === false) return undefined;
    const p = r.attributes.sas_policy as { expiration_period?: unknown } | { expiration_period?: unknown }[] | undefined;
    const period = Array.isArray(p) ? p[0]?.expiration_period : p?.expiration_period;
    return typeof period === "string" && period.length > 0 ? undefined : "shared keys are on and no sas_policy.expiration_period limits SAS tokens";
  },
});
