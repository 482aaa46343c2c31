import { resourceCheck } from "./private/resource-check";

/** A function caps its concurrency, so a flood of calls cannot starve the account's other functions. */
export const awsLambdaConcurrencyLimit = resourceCheck({
  id: "MLOPS-AWS-LAMBDA-CONCURRENCY-LIMIT",
  description: "A Lambda function sets reserved_concurrent_executions.",
  scanners: { checkov: ["CKV_AWS_115"] },
  types: ["aws_lambda_function"],
  problem: (r) => (r.attributes.reserved_concurrent_executions === undefined ? "reserved_concurrent_executions is not set" : undefined),
});
