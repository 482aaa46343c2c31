/** Runs a pack over a test stack the way synth does and returns what the report holds. */
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Finding, PackEntry, PolicyAspect, PolicyReport } from "../../modules/policy";

export const TEST_TAGS = { environment: "test", "managed-by": "cdktf", platform: "mlops", cloud: "aws" };

/** A stack with an AWS provider that sets the test tags as default tags. */
export function awsTestStack(app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-central-1", defaultTags: [{ tags: TEST_TAGS }] });
  return stack;
}

/** Synthesizes the stack with the pack applied; returns the report and the errors that would fail synth. */
export function checkPolicy(stack: TerraformStack, pack: readonly PackEntry[], requiredTags: Readonly<Record<string, string>> = TEST_TAGS): { report: PolicyReport; errors: Finding[] } {
  const report = new PolicyReport();
  Aspects.of(stack).add(new PolicyAspect({ pack, context: { requiredTags }, report }));
  Testing.synth(stack);
  return { report, errors: report.errors(stack) };
}
