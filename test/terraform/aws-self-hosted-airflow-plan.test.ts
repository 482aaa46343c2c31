/**
 * `dev-aws` with `airflow.mode: "self-hosted"` (the one switch) through the real terraform CLI and
 * AWS provider, offline: the environment file is the committed dev with only the switch flipped, so
 * the plan is the stack a cheap dev would deploy. It also checks the synthesized stack: no MWAA,
 * the same DAG bucket address and output names the mirror step reads. `describe.skip` with the
 * reason printed when terraform or the mirror is missing; REQUIRE_TERRAFORM=1 (CI) fails instead.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { StackJson } from "../support/stack-json";
import { awsPlan, awsStackFolder } from "./aws-plan-set";
import { StackPlan } from "./combined-plan";
import { describeWithTerraform, TERRAFORM_HOOK_TIMEOUT_MS, terraformAvailabilitySync } from "./harness";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-aws-airflow-"));
const availability = terraformAvailabilitySync(["aws"], work);

/** dev's AWS stack with the switch flipped, as the combined AWS plan synthesizes (and plans) it. */
let json: StackJson;
beforeAll(async () => {
  json = JSON.parse(fs.readFileSync(path.join(await awsStackFolder("dev-aws-self-hosted"), "cdk.tf.json"), "utf8")) as StackJson;
}, TERRAFORM_HOOK_TIMEOUT_MS);

describe("dev-aws with self-hosted Airflow, synthesized", () => {
  const of = (type: string) => Object.entries(json.resource?.[type] ?? {});

  test("GIVEN the switch THEN no MWAA, four Airflow services, and the DAG bucket at MWAA's address", () => {
    expect(of("aws_mwaa_environment")).toEqual([]);
    expect(of("aws_ecs_service").map(([, s]) => s.name).filter((n) => String(n).startsWith("airflow-")).sort()).toEqual(["airflow-api-server", "airflow-dag-processor", "airflow-scheduler", "airflow-triggerer"]);
    expect(of("aws_s3_bucket").map(([k]) => k)).toContain("airflow_dags_bucket_411DCD74");
  });

  test("GIVEN the stack THEN the database admits Airflow, the builder may mirror DAGs, and the mirror step's outputs exist", () => {
    const rule = of("aws_vpc_security_group_ingress_rule").find(([k]) => k.startsWith("database_from-airflow"));
    expect(rule?.[1]).toMatchObject({ from_port: 5432, referenced_security_group_id: expect.stringContaining("aws_security_group.airflow_sg") });
    const writer = of("aws_iam_role_policy").find(([, p]) => p.name === "mirror-dags");
    expect(String(writer?.[1].role)).toContain("aws_iam_role.ci_infra-builder");
    // Issue 14 moved it from the stack's root into the DAG bucket: a moved block carries the old address.
    expect(writer?.[0]).toMatch(/^airflow_dags_ci-dag-writer_/);
    expect((json as { moved?: { from: string; to: string }[] }).moved).toContainEqual({ from: "aws_iam_role_policy.ci-dag-writer", to: `aws_iam_role_policy.${writer?.[0]}` });
    const out = json.output ?? {};
    expect(String(out.airflow_dag_store.value)).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.airflow_dags_bucket_411DCD74\.bucket\}\/dags\/$/);
    expect(out.console_airflow.value).toBe("http://api-server.mlops-dev-airflow.internal:8080");
    expect(String(out.airflow_identity.value)).toContain("aws_iam_role.airflow_task-role");
  });
});

describeWithTerraform(availability, "self-hosted Airflow plan")("dev-aws with self-hosted Airflow through real terraform", () => {
  let result: StackPlan;
  beforeAll(async () => {
    result = await awsPlan("dev-aws-self-hosted", availability.cliConfig!);
  }, TERRAFORM_HOOK_TIMEOUT_MS);

  test("terraform's validation accepts it (plan validates first), and plan only creates", () => {
    expect(result.plan.errored).toBe(false);
    const changes = result.plan.resource_changes ?? [];
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.filter((c) => c.change.actions.join() !== "create").map((c) => c.address)).toEqual([]);
  });

  test("plan keeps the Airflow services private and the secret values out of the plan", () => {
    const changes = result.plan.resource_changes ?? [];
    const services = changes.filter((c) => c.type === "aws_ecs_service" && String(c.change.after?.name).startsWith("airflow-"));
    expect(services).toHaveLength(4);
    for (const s of services) expect(s.change.after).toMatchObject({ network_configuration: [{ assign_public_ip: false }] });
    const versions = changes.filter((c) => c.type === "aws_secretsmanager_secret_version");
    expect(versions).toHaveLength(5);
    // Write-only: the plan records that a value is set, never the value.
    for (const v of versions) expect(v.change.after?.secret_string_wo ?? null).toBeNull();
    expect(changes.filter((c) => c.type === "aws_service_discovery_private_dns_namespace")).toHaveLength(1);
  });
});
