/** Runs a pack over a test stack the way synth does and returns what the report holds. */
import { App, Aspects, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Finding, PackEntry, PolicyAspect, PolicyReport } from "../../modules/policy";
import { AcceptedRisk } from "../../modules/policy/accepted-risk";

export const TEST_TAGS = { environment: "test", "managed-by": "cdktf", platform: "mlops", cloud: "aws" };

/** A stack with an AWS provider that sets the test tags as default tags. */
export function awsTestStack(app: App = Testing.app()): TerraformStack {
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "eu-central-1", defaultTags: [{ tags: TEST_TAGS }] });
  return stack;
}

/** What `checkPolicy` found. */
export interface PolicyCheck {
  readonly report: PolicyReport;
  /** What would fail synth. With an accepted list: its entries that matched nothing are in `unusedAccepted` instead. */
  readonly errors: Finding[];
  /** Accepted-risk entries that matched no finding (a construct test holds only part of a stack, so most entries of a register match nothing). */
  readonly unusedAccepted: Finding[];
}

/**
 * Synthesizes the stack with the pack applied; returns the report and the errors that would fail synth.
 * `accepted` is the cloud's register for an environment (`awsAcceptedRisks(env)`), applied as the
 * platform stack applies it, so a construct is judged by what the stack keeps on purpose.
 */
export function checkPolicy(
  stack: TerraformStack,
  pack: readonly PackEntry[],
  requiredTags: Readonly<Record<string, string>> = TEST_TAGS,
  accepted?: readonly AcceptedRisk[],
): PolicyCheck {
  const report = new PolicyReport();
  Aspects.of(stack).add(new PolicyAspect({ pack, context: { requiredTags }, report, accepted }));
  Testing.synth(stack);
  const all = report.errors(stack);
  if (!accepted) return { report, errors: all, unusedAccepted: [] };
  const isUnusedEntry = (f: Finding) => f.resourceType === "-" && f.message.startsWith("accepted risk ");
  return { report, errors: all.filter((f) => !isUnusedEntry(f)), unusedAccepted: all.filter(isUnusedEntry) };
}
