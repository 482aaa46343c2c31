import { attr } from "../rule";
import { resourceCheck } from "./private/resource-check";

/** A Cloud SQL PostgreSQL instance admits only clients with a certificate it trusts (Checkov 3.3.13 GoogleCloudSqlDatabaseRequireSsl.py). */
export const gcpSqlClientCertificates = resourceCheck({
  id: "MLOPS-GCP-SQL-CLIENT-CERTIFICATES",
  description: "A Cloud SQL instance has ssl_mode TRUSTED_CLIENT_CERTIFICATE_REQUIRED.",
  scanners: { checkov: ["CKV_GCP_6"] },
  types: ["google_sql_database_instance"],
  problem: (r) => {
    const mode = attr(r.attributes, "settings", "ip_configuration", "ssl_mode");
    return mode === "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" ? undefined : `ssl_mode is ${String(mode)}`;
  },
});
