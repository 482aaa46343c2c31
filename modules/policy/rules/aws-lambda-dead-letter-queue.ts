import { attr } from "../rule";
import { isSet, resourceCheck } from "./private/resource-check";

/** A function has a dead-letter target for failed asynchronous invocations. */
export const awsLambdaDeadLetterQueue = resourceCheck({
  id: "MLOPS-AWS-LAMBDA-DLQ",
  description: "A Lambda function has a dead_letter_config target.",
  scanners: { checkov: ["CKV_AWS_116"] },
  types: ["aws_lambda_function"],
  problem: (r) => (isSet(attr(r.attributes, "dead_letter_config", "target_arn")) ? undefined : "no dead_letter_config.target_arn"),
});
