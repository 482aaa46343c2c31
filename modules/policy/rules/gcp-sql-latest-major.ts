import { resourceCheck } from "./private/resource-check";

/** The version Checkov 3.3.13 calls the latest PostgreSQL major (`CloudSqlMajorVersion.py` expects exactly this). */
export const LATEST_POSTGRES = "POSTGRES_18";

/** A Cloud SQL PostgreSQL instance runs the latest major version. */
export const gcpSqlLatestMajor = resourceCheck({
  id: "MLOPS-GCP-SQL-LATEST-MAJOR",
  description: `A Cloud SQL PostgreSQL instance runs ${LATEST_POSTGRES}.`,
  scanners: { checkov: ["CKV_GCP_79"] },
  types: ["google_sql_database_instance"],
  problem: (r) => {
    const v = r.attributes.database_version;
    return typeof v === "string" && v.startsWith("POSTGRES_") && v !== LATEST_POSTGRES ? `database_version is ${v}` : undefined;
  },
});
