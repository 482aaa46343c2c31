import { PolicyRule } from "../rule";

/** The database keeps automated backups (MLflow's run history lives only there). */
export const awsRdsBackups: PolicyRule = {
  id: "MLOPS-AWS-RDS-BACKUPS",
  description: "RDS instances keep automated backups for at least one day.",
  maps: ["Checkov CKV_AWS_133", "cdk-nag AwsSolutions-RDS13"],
  check(resource) {
    if (resource.type !== "aws_db_instance") return "not-applicable";
    const days = resource.attributes.backup_retention_period;
    return typeof days === "number" && days >= 1 ? "compliant" : { status: "non-compliant", detail: `backup_retention_period is ${days === undefined ? "not set" : String(days)}` };
  },
};
