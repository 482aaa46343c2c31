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

/** The customer-managed key test environments use. */
export const TEST_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000001`;
const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/mlops-test-${n}`;

/** What the platform hands an Airflow construct (managed or self-hosted), with fixed test ids. */
export function airflowPlatformFacts() {
  return {
    naming: AWS_NAMING,
    region: REGION,
    accountId: ACCOUNT,
    vpcId: "vpc-0123456789abcdef0",
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/mlops-test`,
    clusterName: "mlops-test",
    jobs: {
      transform: { taskDefinitionFamily: "mlops-test-transform", roleArns: [role("transform-task"), role("transform-exec")], logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/mlops/test/transform` },
      train: { taskDefinitionFamily: "mlops-test-train", roleArns: [role("train-task"), role("train-exec")], logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/mlops/test/train` },
    },
    jobSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
    jobSecurityGroupIds: ["sg-0000000000000000j"],
    dataBuckets: {
      processed: { name: "mlops-test-processed", arn: "arn:aws:s3:::mlops-test-processed" },
      viz: { name: "mlops-test-viz", arn: "arn:aws:s3:::mlops-test-viz" },
    },
    alertTopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:mlops-test-alerts`,
    customerManagedKey: TEST_KEY,
  };
}
