/** Test helpers for AWS constructs: a stack with the AWS provider (test default tags) and fixed platform ids. */
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Naming } from "../../../modules/core/naming";

export const AWS_TEST_TAGS = { environment: "test", "managed-by": "cdktf", platform: "mlops", cloud: "aws" };
export const AWS_NAMING = new Naming("mlops", "test");
export const ACCOUNT = "111111111111";
export const REGION = "eu-central-1";

/** A stack named `test` with the AWS provider, region eu-central-1 and the test tags as default tags. */
export function awsTestStack(app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: REGION, defaultTags: [{ tags: AWS_TEST_TAGS }] });
  return stack;
}
