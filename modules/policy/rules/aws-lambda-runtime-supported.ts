import { PolicyRule } from "../rule";

/**
 * Runtimes AWS no longer lets anyone create functions on (as of 2026-11; nodejs20.x was deprecated
 * on 2026-04-30 and blocked for new functions from 2026-08-31). Plan accepts them; apply fails.
 */
const BLOCKED = new Set([
  "nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs20.x",
  "python2.7", "python3.6", "python3.7", "python3.8", "python3.9",
  "ruby2.5", "ruby2.7", "ruby3.2",
  "java8", "go1.x", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "dotnet7",
]);

/** Lambda functions run on a runtime AWS still accepts. */
export const awsLambdaRuntimeSupported: PolicyRule = {
  id: "MLOPS-AWS-LAMBDA-RUNTIME-SUPPORTED",
  description: "Lambda functions use a runtime AWS still supports (deprecated ones fail at apply).",
  maps: ["Checkov CKV_AWS_363", "cdk-nag AwsSolutions-L1"],
  check(resource) {
    if (resource.type !== "aws_lambda_function") return "not-applicable";
    const runtime = resource.attributes.runtime;
    if (typeof runtime !== "string") return "not-applicable"; // container image functions
    return BLOCKED.has(runtime) ? { status: "non-compliant", detail: `runtime ${runtime} is deprecated` } : "compliant";
  },
};
