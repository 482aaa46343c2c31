import { resourceCheck } from "./private/resource-check";

/** A database instance cannot be deleted by accident. */
export const awsRdsDeletionProtection = resourceCheck({
  id: "MLOPS-AWS-RDS-DELETION-PROTECTION",
  description: "An RDS instance has deletion_protection.",
  scanners: { checkov: ["CKV_AWS_293"], trivy: ["AVD-AWS-0177"] },
  maps: ["Checkov CKV_AWS_293", "Trivy AVD-AWS-0177", "cdk-nag AwsSolutions-RDS10"],
  types: ["aws_db_instance"],
  problem: (r) => (r.attributes.deletion_protection === true ? undefined : "deletion_protection is not true"),
});
