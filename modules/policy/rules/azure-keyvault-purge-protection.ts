import { PolicyRule, isExpression } from "../rule";

/**
 * Key Vaults have purge protection (a deleted vault or secret stays recoverable for the retention
 * period) and RBAC authorization instead of access policies.
 */
export const azureKeyVaultPurgeProtection: PolicyRule = {
  id: "MLOPS-AZURE-KEYVAULT-PURGE-PROTECTION",
  description: "Key Vaults enable purge protection and RBAC authorization.",
  maps: ["Checkov CKV_AZURE_110", "Checkov CKV_AZURE_42"],
  check(resource) {
    if (resource.type !== "azurerm_key_vault") return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    if (a.purge_protection_enabled !== true && !isExpression(a.purge_protection_enabled)) {
      problems.push(`purge_protection_enabled is ${a.purge_protection_enabled === undefined ? "not set (defaults to false)" : JSON.stringify(a.purge_protection_enabled)}`);
    }
    const rbac = a.rbac_authorization_enabled ?? a.enable_rbac_authorization;
    if (rbac !== true && !isExpression(rbac)) problems.push("RBAC authorization is off (access policies)");
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
