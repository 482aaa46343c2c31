/**
 * The synthesized AWS stacks through the real terraform CLI and AWS provider, offline:
 * init, validate and plan against the provider mirror with fake credentials.
 * Skipped with a notice when terraform or the mirror is missing, unless REQUIRE_TERRAFORM=1 (CI).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { awsPlanOverride, initValidatePlan, PlanResult, terraformAvailability, terraformRequired } from "./harness";
import { synthProject } from "../support/synth";

const STACKS = ["dev-aws", "prod-aws"];
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-aws-"));
let availability: Awaited<ReturnType<typeof terraformAvailability>>;
const plans: Record<string, PlanResult> = {};

beforeAll(async () => {
  availability = await terraformAvailability(["aws"], work);
  if (!availability.ok) {
    if (terraformRequired()) throw new Error(`REQUIRE_TERRAFORM=1 but ${availability.reason}`);
    console.warn(`SKIPPED real-terraform AWS checks: ${availability.reason}`);
    return;
  }
  const built = synthProject({ select: "dev,prod" });
  // Both stacks in parallel: each terraform run is mostly waiting on the provider process.
  await Promise.all(
    STACKS.map(async (name) => {
      plans[name] = await initValidatePlan(path.join(built.outdir, "stacks", name), awsPlanOverride("eu-central-1"), availability.cliConfig!);
    }),
  );
}, 180_000);

function planned(stack: string, type: string) {
  return (plans[stack].plan.resource_changes ?? []).filter((r) => r.type === type);
}

describe.each(STACKS)("%s through real terraform", (stack) => {
  test("validate accepts the configuration", () => {
    if (!availability.ok) return;
    expect(plans[stack].validateOutput).toContain("Success! The configuration is valid.");
  });

  test("plan creates the network and nothing else changes", () => {
    if (!availability.ok) return;
    const changes = plans[stack].plan.resource_changes ?? [];
    expect(changes.length).toBeGreaterThan(10);
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    for (const type of ["aws_vpc", "aws_subnet", "aws_nat_gateway", "aws_flow_log", "aws_vpc_endpoint", "aws_internet_gateway"]) {
      expect(planned(stack, type).length).toBeGreaterThan(0);
    }
  });
});

test("dev plans one NAT gateway, prod one per zone", () => {
  if (!availability.ok) return;
  expect(planned("dev-aws", "aws_nat_gateway")).toHaveLength(1);
  expect(planned("prod-aws", "aws_nat_gateway")).toHaveLength(3);
});
