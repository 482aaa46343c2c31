import { PolicyRule, isExpression } from "../rule";

const WEAK = new Set(["TLS1_0", "TLS1_1"]);

/** Storage accepts HTTPS only, with TLS 1.2 or newer (azurerm 4's defaults, so unset is fine). */
export const azureStorageTls: PolicyRule = {
  id: "MLOPS-AZURE-STORAGE-TLS",
  description: "Storage accounts accept HTTPS only, with TLS 1.2 or newer.",
  maps: ["Checkov CKV_AZURE_44", "Checkov CKV_AZURE_3"],
  check(resource) {
    if (resource.type !== "azurerm_storage_account") return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    const tls = a.min_tls_version;
    if (typeof tls === "string" && !isExpression(tls) && WEAK.has(tls)) problems.push(`min_tls_version is ${tls}`);
    if (a.https_traffic_only_enabled === false) problems.push("https_traffic_only_enabled is false");
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
