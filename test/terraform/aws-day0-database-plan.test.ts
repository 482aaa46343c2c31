/**
 * The day-0 database apply of dev-aws through real terraform (offline provider mirror): `plan -target=...` with
 * exactly the targets `npm run day0` prints creates the RDS instance and the migration task with everything a
 * run needs (its role policy, the security group rules both ways, the NAT routes), and no service.
 * The plan is this stack's part of the run's combined AWS plan (./aws-plan-set.ts computes the targets from the
 * printed step); dev-aws is the shared synthesis (identical to a dev-only AWS synth).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { awsPlan } from "./aws-plan-set";
import { StackPlan } from "./combined-plan";
import { describeWithTerraform, TERRAFORM_HOOK_TIMEOUT_MS, terraformAvailabilitySync } from "./harness";
import { sharedSynth } from "../support/shared-synth";
import { TerraformGraph } from "../support/terraform-graph";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-day0-db-"));
const availability = terraformAvailabilitySync(["aws"], work);

describeWithTerraform(availability, "day-0 database plan")("dev-aws database apply through real terraform", () => {
  let result: StackPlan;
  let targets: readonly string[];
  let graph: TerraformGraph;

  beforeAll(async () => {
    graph = new TerraformGraph(sharedSynth().json("dev-aws"));
    // Exactly what the printed step targets (the servers' closure plus the logins' generated password values).
    result = await awsPlan("dev-aws-database", availability.cliConfig!);
    targets = result.targets;
    expect(targets.length).toBeGreaterThan(0);
  }, TERRAFORM_HOOK_TIMEOUT_MS);

  test("GIVEN the printed targets WHEN planned THEN terraform creates them and what a migration run needs, and no ECS service", () => {
    const planned = result.plan.resource_changes.filter((c) => c.change.actions.join() === "create").map((c) => c.address).sort();
    expect(planned).toEqual([...graph.closure(targets)].filter((a) => !a.startsWith("data.")).sort());
    for (const needed of [/^aws_db_instance\./, /^aws_ecs_task_definition\.db-migrate_/, /^aws_iam_role_policy\.db-migrate_/, /^aws_vpc_security_group_ingress_rule\.database_from-db-migrate/, /^aws_vpc_security_group_egress_rule\.db-migrate_to-database/, /^aws_route\.network_private-default/]) {
      expect(planned.filter((a) => needed.test(a))).not.toEqual([]);
    }
    expect(planned.filter((a) => /^aws_(ecs_service|lb|apigatewayv2|lambda)/.test(a))).toEqual([]);
    const task = result.plan.resource_changes.find((c) => c.address.startsWith("aws_ecs_task_definition.db-migrate_"))!;
    expect(task.change.after).toMatchObject({ family: "mlops-dev-db-migrate", network_mode: "awsvpc", task_role_arn: null });
  });
});
