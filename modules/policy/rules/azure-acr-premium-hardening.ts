import { resourceCheck } from "./private/resource-check";

/**
 * The registry controls that need the Premium tier (Checkov 3.3.13 `ACR*.py`): no public network access
 * (private endpoints are Premium-only), a tier with image scanning (163: Standard or Premium), retention
 * of untagged manifests, zone redundancy, dedicated data endpoints. One rule because one choice, the
 * SKU, decides all of them.
 */
export const azureAcrPremiumHardening = resourceCheck({
  id: "MLOPS-AZURE-ACR-PREMIUM-HARDENING",
  description: "A container registry is Premium with public network access off, retention, zone redundancy and dedicated data endpoints.",
  scanners: { checkov: ["CKV_AZURE_139", "CKV_AZURE_163", "CKV_AZURE_167", "CKV_AZURE_233", "CKV_AZURE_237"] },
  types: ["azurerm_container_registry"],
  problem: (r) => {
    const a = r.attributes;
    const missing = [
      a.sku !== "Premium" ? `sku is ${String(a.sku)}` : "",
      a.public_network_access_enabled !== false ? "public_network_access_enabled is not false" : "",
      a.retention_policy_in_days === undefined ? "no retention_policy_in_days" : "",
      a.zone_redundancy_enabled !== true ? "zone_redundancy_enabled is not true" : "",
      a.data_endpoint_enabled !== true ? "data_endpoint_enabled is not true" : "",
    ].filter(Boolean);
    return missing.length > 0 ? missing.join("; ") : undefined;
  },
});
