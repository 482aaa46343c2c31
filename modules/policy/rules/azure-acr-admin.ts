import { PolicyRule } from "../rule";

/** Registries have no admin user (a shared password) and no anonymous pull. */
export const azureAcrAdmin: PolicyRule = {
  id: "MLOPS-AZURE-ACR-ADMIN",
  description: "Container registries disable the admin user and anonymous pull; pulls use managed identities.",
  maps: ["Checkov CKV_AZURE_137", "Checkov CKV_AZURE_138"],
  check(resource) {
    if (resource.type !== "azurerm_container_registry") return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    if (a.admin_enabled === true) problems.push("admin_enabled is true");
    if (a.anonymous_pull_enabled === true) problems.push("anonymous_pull_enabled is true");
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
