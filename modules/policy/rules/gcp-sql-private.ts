import { PolicyRule, attr } from "../rule";

const TLS_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

/** Cloud SQL has no public address, sits on the VPC, and refuses unencrypted connections. */
export const gcpSqlPrivate: PolicyRule = {
  id: "MLOPS-GCP-SQL-PRIVATE",
  description: "Cloud SQL instances have a private IP only (no public IPv4, no authorized networks) and require TLS.",
  maps: ["Checkov CKV_GCP_60", "Checkov CKV_GCP_11", "Checkov CKV_GCP_6"],
  check(resource) {
    if (resource.type !== "google_sql_database_instance") return "not-applicable";
    const ip = (path: string) => attr(resource.attributes, "settings", "ip_configuration", path);
    const problems: string[] = [];
    if (ip("ipv4_enabled") !== false) problems.push("ipv4_enabled is not false (public IP)");
    if (!ip("private_network")) problems.push("private_network is not set");
    const nets = ip("authorized_networks");
    if (nets && (!Array.isArray(nets) || nets.length > 0)) problems.push("authorized_networks are set");
    if (!TLS_MODES.includes(String(ip("ssl_mode")))) problems.push(`ssl_mode is ${JSON.stringify(ip("ssl_mode") ?? "not set")}`);
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
