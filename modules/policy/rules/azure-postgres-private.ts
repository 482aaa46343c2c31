import { PolicyRule, isExpression } from "../rule";

/**
 * PostgreSQL Flexible Servers are private (public network access off, in a delegated subnet), keep
 * the administrator password out of the configuration (write-only `administrator_password_wo` fed
 * by an ephemeral expression, never a literal, or Entra ID only), and no firewall rule opens them
 * to the whole Internet.
 */
export const azurePostgresPrivate: PolicyRule = {
  id: "MLOPS-AZURE-POSTGRES-PRIVATE",
  description: "PostgreSQL Flexible Servers have no public access, no open firewall and no literal password.",
  maps: ["Checkov CKV2_AZURE_57", "Checkov CKV_AZURE_136 (geo backup, prod)", "cdk-nag AwsSolutions-RDS8 (analogue)"],
  check(resource) {
    const a = resource.attributes;
    if (resource.type === "azurerm_postgresql_flexible_server_firewall_rule") {
      if (a.start_ip_address === "0.0.0.0" && a.end_ip_address === "255.255.255.255") {
        return { status: "non-compliant", detail: "firewall rule allows 0.0.0.0-255.255.255.255" };
      }
      return "compliant";
    }
    if (resource.type !== "azurerm_postgresql_flexible_server") return "not-applicable";
    const problems: string[] = [];
    if (a.public_network_access_enabled !== false && !isExpression(a.public_network_access_enabled)) {
      problems.push(`public_network_access_enabled is ${a.public_network_access_enabled === undefined ? "not set" : JSON.stringify(a.public_network_access_enabled)}`);
    }
    if (typeof a.administrator_password === "string" && !isExpression(a.administrator_password)) {
      problems.push("administrator_password is a literal (use administrator_password_wo)");
    }
    // Write-only keeps the value out of state, not out of the configuration: a literal here is still in git.
    if (typeof a.administrator_password_wo === "string" && !isExpression(a.administrator_password_wo)) {
      problems.push("administrator_password_wo is a literal (pass an ephemeral value, e.g. read back from Key Vault)");
    }
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
