/**
 * The synthesized AWS stacks through the real terraform CLI and AWS provider, offline:
 * planned against the provider mirror with fake credentials, in the run's combined AWS plan (./aws-plan-set.ts).
 * `describe.skip` with the reason printed when terraform or the mirror is missing; with
 * REQUIRE_TERRAFORM=1 (CI) that fails the suite instead.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { awsPlan } from "./aws-plan-set";
import { StackPlan } from "./combined-plan";
import { describeWithTerraform, TERRAFORM_HOOK_TIMEOUT_MS, terraformAvailabilitySync } from "./harness";

const STACKS = ["dev-aws", "prod-aws"] as const;
/** Every resource type the AWS platform issue asks for. */
const PLATFORM_TYPES = [
  "aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_nat_gateway", "aws_route_table", "aws_flow_log", "aws_vpc_endpoint",
  "aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy",
  "aws_s3_bucket", "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_notification",
  // No aws_secretsmanager_secret: no workload has a secret of its own; MLflow's password is the RDS-managed secret.
  "aws_db_instance", "aws_db_subnet_group", "aws_db_parameter_group",
  "aws_ecs_cluster", "aws_ecs_task_definition", "aws_ecs_service", "aws_appautoscaling_target", "aws_appautoscaling_policy",
  "aws_lb", "aws_lb_listener", "aws_lb_target_group", "aws_apigatewayv2_api", "aws_apigatewayv2_vpc_link", "aws_apigatewayv2_route",
  "aws_apigatewayv2_authorizer", "aws_apigatewayv2_stage", "aws_cognito_user_pool", "aws_cognito_user_pool_client", "aws_cognito_user_group",
  "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_sns_topic", "aws_sns_topic_subscription", "aws_cloudwatch_metric_alarm",
  "aws_cloudwatch_dashboard", "aws_iam_openid_connect_provider",
  "aws_mwaa_environment", "aws_s3_object",
];
const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-aws-"));
const availability = terraformAvailabilitySync(["aws"], work);
const plans: Record<string, StackPlan> = {};

describeWithTerraform(availability, "AWS checks")("AWS stacks through real terraform", () => {
  beforeAll(async () => {
    for (const name of STACKS) plans[name] = await awsPlan(name, availability.cliConfig!);
  }, TERRAFORM_HOOK_TIMEOUT_MS);

  function planned(stack: string, type: string) {
    return (plans[stack].plan.resource_changes ?? []).filter((r) => r.type === type);
  }

  describe.each(STACKS)("%s through real terraform", (stack) => {
    test("terraform's validation accepts the configuration (plan validates it first) and the plan did not error", () => {
      expect(plans[stack].plan.errored).toBe(false);
      expect(plans[stack].plan.resource_changes.length).toBeGreaterThan(0);
    });

    test("plan only creates, and creates every platform resource type", () => {
      const changes = plans[stack].plan.resource_changes ?? [];
      expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
      const types = new Set(changes.map((c) => c.type));
      const missing = PLATFORM_TYPES.filter((t) => !types.has(t));
      expect(missing).toEqual([]);
    });

    test("plan keeps the security attributes", () => {
      const [db] = planned(stack, "aws_db_instance");
      expect(db.change.after).toMatchObject({ storage_encrypted: true, publicly_accessible: false, manage_master_user_password: true });
      for (const repo of planned(stack, "aws_ecr_repository")) expect(repo.change.after).toMatchObject({ image_tag_mutability: "IMMUTABLE" });
      for (const pab of planned(stack, "aws_s3_bucket_public_access_block")) {
        expect(pab.change.after).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      }
      const [lb] = planned(stack, "aws_lb");
      expect(lb.change.after).toMatchObject({ internal: true, load_balancer_type: "network" });
    });
  });

  test.each(STACKS)("%s plans GitHub's OIDC provider and the three CI roles, trusting only this repository", (stack) => {
    expect(planned(stack, "aws_iam_openid_connect_provider")).toHaveLength(1);
    const env = stack.split("-")[0];
    const roles = Object.fromEntries(
      planned(stack, "aws_iam_role")
        .map((r) => r.change.after!)
        .filter((r) => /-(service-publisher|infra-builder|developer)$/.test(String(r.name)))
        .map((r) => [String(r.name).replace(`mlops-${env}-`, ""), JSON.parse(String(r.assume_role_policy))]),
    );
    expect(Object.keys(roles).sort()).toEqual(["developer", "infra-builder", "service-publisher"]);
    for (const policy of Object.values(roles)) {
      const subjects = policy.Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] as string[];
      expect(subjects.length).toBeGreaterThan(0);
      for (const sub of subjects) expect(sub.startsWith("repo:acme-ml/mlops-suite:")).toBe(true);
    }
    expect(roles["infra-builder"].Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual([`repo:acme-ml/mlops-suite:environment:${env}`]);
  });

  test.each(STACKS)("%s plans the developer role as plan-only: pull_request trust, one inline policy with the state object and the data Deny, no managed policy", (stack) => {
    const env = stack.split("-")[0];
    const dev = planned(stack, "aws_iam_role").find((r) => r.change.after!.name === `mlops-${env}-developer`)!;
    expect(JSON.parse(String(dev.change.after!.assume_role_policy)).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toEqual(["repo:acme-ml/mlops-suite:pull_request"]);
    const attachments = planned(stack, "aws_iam_role_policy_attachment").map((a) => a.change.after!);
    expect(attachments.filter((a) => a.role === `mlops-${env}-developer`)).toEqual([]);
    const inline = planned(stack, "aws_iam_role_policy").filter((p) => p.address.includes("developer-plan"));
    expect(inline).toHaveLength(1);
    const statements = JSON.parse(String(inline[0].change.after!.policy)).Statement as { Sid: string; Resource?: string; NotResource?: string[] }[];
    const state = `arn:aws:s3:::mlops-tfstate-${env === "dev" ? "111111111111" : "333333333333"}/mlops/${stack}.tfstate`;
    expect(statements.find((st) => st.Sid === "StateRead")!.Resource).toBe(state);
    expect(statements.find((st) => st.Sid === "DenyDataObjects")!.NotResource).toEqual([state]);
  });

  test.each(STACKS)("%s plans ECR lifecycle rules that claim deployed- digests before counting ci- builds", (stack) => {
    for (const p of planned(stack, "aws_ecr_lifecycle_policy")) {
      const rules = JSON.parse(String(p.change.after!.policy)).rules as { rulePriority: number; selection: { tagStatus: string; tagPrefixList?: string[] } }[];
      expect(rules.map((r) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPrefixList])).toEqual([
        [1, "tagged", ["deployed-"]],
        [2, "tagged", ["ci-"]],
        [3, "untagged", undefined],
      ]);
    }
  });

  test("MWAA runs privately per environment config: dev mw1.small 1-2 workers on the AWS-owned key, prod mw1.medium 2-5 on the platform key, DAG bucket logged in prod", () => {
    const mwaa = (stack: string) => {
      const envs = planned(stack, "aws_mwaa_environment");
      expect(envs).toHaveLength(1);
      return envs[0].change.after!;
    };
    expect(mwaa("dev-aws")).toMatchObject({ name: "mlops-dev-airflow", environment_class: "mw1.small", min_workers: 1, max_workers: 2, webserver_access_mode: "PRIVATE_ONLY", dag_s3_path: "dags" });
    expect(mwaa("dev-aws").kms_key ?? null).toBeNull();
    expect(mwaa("prod-aws")).toMatchObject({ name: "mlops-prod-airflow", environment_class: "mw1.medium", min_workers: 2, max_workers: 5, webserver_access_mode: "PRIVATE_ONLY" });
    // The platform key's ARN is known after apply only: the plan marks kms_key unknown rather than absent.
    const prodChange = planned("prod-aws", "aws_mwaa_environment")[0].change as { after_unknown?: Record<string, unknown> };
    expect(prodChange.after_unknown?.kms_key).toBe(true);
    for (const stack of STACKS) {
      const bucket = planned(stack, "aws_s3_bucket").find((b) => /airflow/.test(String(b.change.after!.bucket)))!;
      expect(bucket.change.after!.bucket).toMatch(/^mlops-(dev|prod)-airflow-\d{12}$/);
      const role = planned(stack, "aws_iam_role").find((r) => /airflow-exec$/.test(String(r.change.after!.name)))!;
      expect(JSON.parse(String(role.change.after!.assume_role_policy)).Statement[0].Principal.Service).toEqual(["airflow.amazonaws.com", "airflow-env.amazonaws.com"]);
      expect(planned(stack, "aws_iam_role_policy").some((p) => p.change.after!.name === "mirror-dags")).toBe(true);
    }
    const prodLogging = planned("prod-aws", "aws_s3_bucket_logging").filter((l) => l.change.after!.target_prefix === "airflow-dags/");
    expect(prodLogging).toHaveLength(1);
    expect(planned("dev-aws", "aws_s3_bucket_logging")).toHaveLength(0);
  });

  test("dev plans one NAT gateway, prod one per zone", () => {
    expect(planned("dev-aws", "aws_nat_gateway")).toHaveLength(1);
    expect(planned("prod-aws", "aws_nat_gateway")).toHaveLength(3);
  });
});
