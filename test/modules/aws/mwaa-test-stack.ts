/**
 * The MWAA construct in the AWS test stack with fixed platform ids: built by mwaa.test.ts for its synth
 * checks, and synthesized by the run's combined AWS plan (test/terraform/aws-plan-set.ts) for its real-terraform checks.
 */
import { App, TerraformStack } from "cdktf";
import { Mwaa, MwaaProps } from "../../../modules/aws/mwaa";
import { airflowPlatformFacts, awsTestStack, TEST_KEY } from "./aws-test-stack";

/** The customer-managed key the test environment uses. */
export const MWAA_TEST_KEY = TEST_KEY;

/** Props of a medium, KMS-keyed MWAA with two jobs; `over` replaces any of them. */
export function mwaaTestProps(over: Partial<MwaaProps> = {}): MwaaProps {
  return {
    ...airflowPlatformFacts(),
    privateSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"],
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
