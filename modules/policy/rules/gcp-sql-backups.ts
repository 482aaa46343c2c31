import { PolicyRule, attr } from "../rule";

/** Automated backups are on: the MLflow runs live here. */
export const gcpSqlBackups: PolicyRule = {
  id: "MLOPS-GCP-SQL-BACKUPS",
  description: "Cloud SQL instances have automated backups enabled.",
  maps: ["Checkov CKV_GCP_14", "cdk-nag AwsSolutions-RDS13 (analogue)"],
  check(resource) {
    if (resource.type !== "google_sql_database_instance") return "not-applicable";
    return attr(resource.attributes, "settings", "backup_configuration", "enabled") === true
      ? "compliant"
      : { status: "non-compliant", detail: "settings.backup_configuration.enabled is not true" };
  },
};
