/**
 * The model API's retrain on every cloud, as the dev stacks deploy it: its identity may start the train job, and that
 * grant names the train job only (no `*` resource, no project-, subscription- or resource-group-wide role); the train
 * job, once started, reaches MLflow (AWS: security groups through the NLB; Google: roles/run.invoker on MLflow).
 */
import { resources, StackJson, synthProject } from "../support/synth";

const built = synthProject({ select: "dev" });
const aws = built.json("dev-aws");
const azure = built.json("dev-azure");
const gcp = built.json("dev-gcp");

/** The Terraform address key of the one resource of `type` that `pick` selects. */
function key(json: StackJson, type: string, pick: (r: Record<string, unknown>) => boolean): string {
  const found = Object.entries(json.resource?.[type] ?? {}).filter(([, r]) => pick(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.map(([k]) => k).join(", ") || "none"}`);
  return found[0][0];
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}
const statements = (policy: unknown) => (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;

describe("retrain: the model API starts the train job, and only it", () => {
  test("GIVEN dev-aws THEN the model API's task role may RunTask only train's family on the platform cluster and pass only train's roles", () => {
    const taskRole = key(aws, "aws_iam_role", (r) => r.name === "mlops-dev-model-api-task");
    const grants = resources(aws, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${taskRole}.id}`);
    const starting = grants.flatMap((g) => statements(g.policy)).filter((s) => [s.Action].flat().some((a) => a.startsWith("ecs:") || a.startsWith("iam:")));
    const trainTask = key(aws, "aws_ecs_task_definition", (t) => t.family === "mlops-dev-train");
    const cluster = key(aws, "aws_ecs_cluster", () => true);
    const role = (name: string) => `\${aws_iam_role.${key(aws, "aws_iam_role", (r) => r.name === name)}.arn}`;
    expect(starting).toEqual([
      expect.objectContaining({ Action: "ecs:RunTask", Resource: `\${aws_ecs_task_definition.${trainTask}.arn_without_revision}:*`, Condition: { ArnEquals: { "ecs:cluster": `\${aws_ecs_cluster.${cluster}.arn}` } } }),
      expect.objectContaining({ Action: "iam:PassRole", Resource: [role("mlops-dev-train-task"), role("mlops-dev-train-exec")], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } }),
    ]);
    for (const s of grants.flatMap((g) => statements(g.policy))) expect([s.Resource].flat()).not.toContain("*");
  });

  test("GIVEN dev-aws THEN the train task started in its own security group reaches MLflow through the NLB and AWS APIs on 443", () => {
    const td = resources(aws, "aws_ecs_task_definition").find((t) => t.family === "mlops-dev-model-api")!;
    const env = Object.fromEntries((JSON.parse(String(td.container_definitions))[0].environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    const trainGroup = `\${aws_security_group.${key(aws, "aws_security_group", (g) => g.name === "mlops-dev-train")}.id}`;
    const nlbGroup = `\${aws_security_group.${key(aws, "aws_security_group", (g) => g.name === "mlops-dev-nlb")}.id}`;
    expect(env.JOB_SECURITY_GROUPS).toBe(trainGroup);
    const mlflowPort = 5000;
    expect(resources(aws, "aws_vpc_security_group_ingress_rule")).toContainEqual(expect.objectContaining({ security_group_id: nlbGroup, referenced_security_group_id: trainGroup, from_port: mlflowPort, to_port: mlflowPort }));
    const out = resources(aws, "aws_vpc_security_group_egress_rule").filter((r) => r.security_group_id === trainGroup);
    expect(out).toContainEqual(expect.objectContaining({ referenced_security_group_id: nlbGroup, from_port: mlflowPort, to_port: mlflowPort }));
    expect(out).toContainEqual(expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", from_port: 443, to_port: 443 }));
  });

  test("GIVEN dev-azure THEN the model API's identity holds a start-only role on the train job, and no Container Apps role wider than one job", () => {
    const identity = `\${azurerm_user_assigned_identity.${key(azure, "azurerm_user_assigned_identity", (i) => i.name === "mlops-dev-model-api")}.principal_id}`;
    const trainJob = `\${azurerm_container_app_job.${key(azure, "azurerm_container_app_job", (j) => j.name === "mlops-dev-train")}.id}`;
    const starter = key(azure, "azurerm_role_definition", (d) => d.name === "mlops-dev-train-starter");
    const mine = resources(azure, "azurerm_role_assignment").filter((a) => a.principal_id === identity);
    expect(mine.filter((a) => String(a.role_definition_id).includes("azurerm_role_definition."))).toEqual([
      expect.objectContaining({ scope: trainJob, role_definition_id: `\${azurerm_role_definition.${starter}.role_definition_resource_id}` }),
    ]);
    expect(azure.resource!.azurerm_role_definition[starter].permissions).toEqual([{ actions: ["Microsoft.App/jobs/start/action"] }]);
    // Nothing the model API holds is scoped to the resource group or the subscription.
    for (const a of mine) expect(String(a.scope)).not.toMatch(/^\$\{azurerm_resource_group\.|^\/subscriptions\/[^/]+\/?$/);
  });

  test("GIVEN dev-gcp THEN the model API's account holds roles/run.invoker on the train job only, and train may invoke MLflow", () => {
    const modelApi = `serviceAccount:\${google_service_account.${key(gcp, "google_service_account", (a) => a.account_id === "mlops-dev-model-api")}.email}`;
    const trainSa = `serviceAccount:\${google_service_account.${key(gcp, "google_service_account", (a) => a.account_id === "mlops-dev-train")}.email}`;
    const trainJob = key(gcp, "google_cloud_run_v2_job", (j) => j.name === "mlops-dev-train");
    expect(resources(gcp, "google_cloud_run_v2_job_iam_member").filter((m) => m.member === modelApi)).toEqual([
      expect.objectContaining({ name: `\${google_cloud_run_v2_job.${trainJob}.name}`, role: "roles/run.invoker", member: modelApi }),
    ]);
    expect(resources(gcp, "google_project_iam_member").filter((m) => m.member === modelApi && String(m.role).startsWith("roles/run."))).toEqual([]);
    const mlflow = key(gcp, "google_cloud_run_v2_service", (s) => s.name === "mlops-dev-mlflow");
    expect(resources(gcp, "google_cloud_run_v2_service_iam_member")).toContainEqual(
      expect.objectContaining({ name: `\${google_cloud_run_v2_service.${mlflow}.name}`, role: "roles/run.invoker", member: trainSa }),
    );
    // The model API's service is deployed after its grant.
    const service = resources(gcp, "google_cloud_run_v2_service").find((s) => s.name === "mlops-dev-model-api")!;
    expect((service.depends_on as string[]).some((d) => d.startsWith("google_cloud_run_v2_job_iam_member."))).toBe(true);
  });
});
