import { isSet, resourceCheck } from "./private/resource-check";

/** A function only runs code signed by a trusted AWS Signer profile. */
export const awsLambdaCodeSigning = resourceCheck({
  id: "MLOPS-AWS-LAMBDA-CODE-SIGNING",
  description: "A Lambda function has a code signing configuration.",
  scanners: { checkov: ["CKV_AWS_272"] },
  types: ["aws_lambda_function"],
  problem: (r) => (isSet(r.attributes.code_signing_config_arn) ? undefined : "no code_signing_config_arn"),
});
