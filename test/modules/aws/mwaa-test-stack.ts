/**
 * The MWAA construct in the AWS test stack with fixed platform ids: built by mwaa.test.ts for its synth
 * checks, and synthesized by the run's combined AWS plan (test/terraform/aws-plan-set.ts) for its real-terraform checks.
 */
import { App, TerraformStack } from "cdktf";
import { Mwaa, MwaaProps } from "../../../modules/aws/mwaa";
import { ACCOUNT, AWS_NAMING, awsTestStack, REGION } from "./aws-test-stack";

/** The customer-managed key the test environment uses. */
export const MWAA_TEST_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000001`;
const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/mlops-test-${n}`;

/** Props of a medium, KMS-keyed MWAA with two jobs; `over` replaces any of them. */
export function mwaaTestProps(over: Partial<MwaaProps> = {}): MwaaProps {
  return {
    naming: AWS_NAMING,
    region: REGION,
    accountId: ACCOUNT,
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"],
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
    customerManagedKey: MWAA_TEST_KEY,
    size: "medium",
    minWorkers: 1,
    maxWorkers: 4,
    ...over,
  };
}

/** The test stack (named `test`) with an MWAA construct `airflow` built from `mwaaTestProps(over)`. */
export function mwaaTestStack(over: Partial<MwaaProps> = {}, app?: App): { stack: TerraformStack; airflow: Mwaa } {
  const stack = awsTestStack(app);
  const airflow = new Mwaa(stack, "airflow", mwaaTestProps(over));
  return { stack, airflow };
}
