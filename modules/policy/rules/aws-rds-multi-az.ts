import { resourceCheck } from "./private/resource-check";

/** A database instance has a standby in a second zone. */
export const awsRdsMultiAz = resourceCheck({
  id: "MLOPS-AWS-RDS-MULTI-AZ",
  description: "An RDS instance is Multi-AZ.",
  scanners: { checkov: ["CKV_AWS_157"] },
  maps: ["Checkov CKV_AWS_157", "cdk-nag AwsSolutions-RDS3"],
  types: ["aws_db_instance"],
  problem: (r) => (r.attributes.multi_az === true ? undefined : "multi_az is not true"),
});
