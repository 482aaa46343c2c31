import { attr } from "../rule";
import { isSet, resourceCheck } from "./private/resource-check";

/** A function runs in the VPC (its traffic then passes the VPC's controls). */
export const awsLambdaInVpc = resourceCheck({
  id: "MLOPS-AWS-LAMBDA-IN-VPC",
  description: "A Lambda function is attached to VPC subnets.",
  scanners: { checkov: ["CKV_AWS_117"] },
  types: ["aws_lambda_function"],
  problem: (r) => (isSet(attr(r.attributes, "vpc_config", "subnet_ids")) ? undefined : "no vpc_config.subnet_ids"),
});
