import { resourceCheck } from "./private/resource-check";

/**
 * The PostgreSQL audit and log flags the scanner asks for, each with the values it accepts:
 * log_hostname on (CKV_GCP_108), cloudsql.enable_pgaudit on (CKV_GCP_110), log_statement ddl, mod
 * or all (CKV_GCP_111), log_duration on (CKV2_GCP_13).
 */
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  log_hostname: ["on"],
  "cloudsql.enable_pgaudit": ["on"],
  log_statement: ["ddl", "mod", "all"],
  log_duration: ["on"],
};

function flagsOf(attributes: Readonly<Record<string, unknown>>): Map<string, string> {
  const settings = Array.isArray(attributes.settings) ? attributes.settings[0] : attributes.settings;
  const flags = (settings as { database_flags?: unknown } | undefined)?.database_flags;
  return new Map((Array.isArray(flags) ? flags : []).map((f: { name?: unknown; value?: unknown }) => [String(f.name), String(f.value)]));
}

/** A Cloud SQL PostgreSQL instance logs DDL, durations and client host names, and has pgAudit on. */
export const gcpSqlAuditFlags = resourceCheck({
  id: "MLOPS-GCP-SQL-AUDIT-FLAGS",
  description: "A Cloud SQL PostgreSQL instance sets log_hostname, cloudsql.enable_pgaudit, log_duration on and log_statement ddl|mod|all.",
  scanners: { checkov: ["CKV_GCP_108", "CKV_GCP_110", "CKV_GCP_111", "CKV2_GCP_13"] },
  types: ["google_sql_database_instance"],
  problem: (r) => {
    if (!String(r.attributes.database_version ?? "").startsWith("POSTGRES_")) return undefined;
    const flags = flagsOf(r.attributes);
    const wrong = Object.entries(REQUIRED)
      .filter(([name, ok]) => !ok.includes(flags.get(name) ?? ""))
      .map(([name, ok]) => `${name} is ${flags.has(name) ? JSON.stringify(flags.get(name)) : "unset"} (want ${ok.join("|")})`);
    return wrong.length ? wrong.join("; ") : undefined;
  },
});
