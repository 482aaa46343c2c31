import { PolicyRule } from "../rule";

/** The database is encrypted at rest and has no public endpoint. */
export const awsRdsEncryptedPrivate: PolicyRule = {
  id: "MLOPS-AWS-RDS-ENCRYPTED-PRIVATE",
  description: "RDS instances are encrypted at rest and not publicly accessible.",
  maps: ["cdk-nag AwsSolutions-RDS2", "Checkov CKV_AWS_16", "CKV_AWS_17"],
  check(resource) {
    if (resource.type !== "aws_db_instance") return "not-applicable";
    const problems: string[] = [];
    if (resource.attributes.storage_encrypted !== true) problems.push("storage_encrypted is not true");
    if (resource.attributes.publicly_accessible === true) problems.push("publicly_accessible is true");
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
