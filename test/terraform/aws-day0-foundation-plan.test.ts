/**
 * The day-0 foundation apply of dev-aws through real terraform (offline provider mirror): `plan -target=...`
 * with exactly the targets `npm run day0` prints creates the registries, CI identities and secret
 * containers and nothing that runs, and Terraform's own targeting agrees with the graph walk of
 * test/stacks/day0-dependencies.test.ts. The plan is this stack's part of the run's combined AWS plan (./aws-plan-set.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { foundationTargets } from "../../scripts/day0-foundation";
import { awsPlan } from "./aws-plan-set";
import { StackPlan } from "./combined-plan";
import { describeWithTerraform, TERRAFORM_HOOK_TIMEOUT_MS, terraformAvailabilitySync } from "./harness";
import { sharedSynth } from "../support/shared-synth";
import { TerraformGraph } from "../support/terraform-graph";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-day0-"));
const availability = terraformAvailabilitySync(["aws"], work);

describeWithTerraform(availability, "day-0 foundation plan")("dev-aws foundation apply through real terraform", () => {
  let result: StackPlan;
  let targets: string[];
  let graph: TerraformGraph;

  beforeAll(async () => {
    const json = sharedSynth().json("dev-aws");
    targets = foundationTargets("aws", json);
    graph = new TerraformGraph(json);
    result = await awsPlan("dev-aws-foundation", availability.cliConfig!);
  }, TERRAFORM_HOOK_TIMEOUT_MS);

  test("GIVEN the printed targets WHEN planned THEN terraform creates exactly them and what they depend on, and no ECS resource", () => {
    expect(result.targets).toEqual(targets);
    const planned = result.plan.resource_changes.filter((c) => c.change.actions.join() === "create").map((c) => c.address).sort();
    expect(planned).toEqual([...graph.closure(targets)].filter((a) => !a.startsWith("data.")).sort());
    expect(planned.filter((a) => /^aws_(ecs|lb|apigatewayv2|lambda)_/.test(a))).toEqual([]);
    expect(planned.filter((a) => a.startsWith("aws_ecr_repository.")).length).toBeGreaterThan(0);
  });
});
