/**
 * Amazon MWAA: the environment, its DAG bucket, security group and execution role as synthesized,
 * then the same stack through the real terraform CLI offline (planned against the provider mirror, in
 * the run's combined AWS plan: test/terraform/aws-plan-set.ts). The terraform part skips with its
 * reason printed when terraform or the mirror is missing, and fails instead when REQUIRE_TERRAFORM=1 (CI).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { TerraformOutput } from "cdktf";
import { MwaaProps, startupScript } from "../../../modules/aws/mwaa";
import { AWS_PACK } from "../../../modules/policy/aws-pack";
import { awsMwaaPrivate } from "../../../modules/policy/rules/aws-mwaa-private";
import { awsMwaaRoleScoped } from "../../../modules/policy/rules/aws-mwaa-role-scoped";
import { awsAcceptedRisks } from "../../../modules/policy/accepted";
import { RiskEnvironment } from "../../../modules/policy/accepted-risk";
import { dagTableVariables } from "../../support/dag-variables";
import { checkPolicy } from "../../support/policy";
import { resources, synthStack } from "../../support/synth";
import { awsPlan } from "../../terraform/aws-plan-set";
import { StackPlan } from "../../terraform/combined-plan";
import { findMirror, TERRAFORM_HOOK_TIMEOUT_MS, terraformAvailability, terraformEnv, terraformRequired } from "../../terraform/harness";
import { ACCOUNT, REGION } from "./aws-test-stack";
import { MWAA_TEST_KEY as KEY, mwaaTestProps as props, mwaaTestStack as build } from "./mwaa-test-stack";

/** A persistent, zonal, KMS environment: the register accepts only what every environment keeps. */
const RISK_ENV: RiskEnvironment = { name: "test", logRetentionDays: 365, lifecycle: "persistent", resilience: "zonal", storage: { encryption: "kms", accessLogging: false }, clouds: {} };
const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/mlops-test-${n}`;

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: string | string[]; NotResource?: string; Condition?: Record<string, Record<string, unknown>> };
function statements(json: ReturnType<typeof synthStack>): Statement[] {
  const [policy] = resources(json, "aws_iam_role_policy");
  return (JSON.parse(policy.policy as string) as { Statement: Statement[] }).Statement;
}

describe("Mwaa", () => {
  test("GIVEN size medium and worker bounds WHEN built THEN MWAA runs privately, pinned, in two private subnets, with every log type on and the key", () => {
    const json = synthStack(build().stack);
    const [env] = resources(json, "aws_mwaa_environment");
    expect(env).toMatchObject({
      name: "mlops-test-airflow",
      airflow_version: "3.0.6",
      environment_class: "mw1.medium",
      min_workers: 1,
      max_workers: 4,
      webserver_access_mode: "PRIVATE_ONLY",
      dag_s3_path: "dags",
      startup_script_s3_path: "startup/startup.sh",
      kms_key: KEY,
    });
    expect((env.network_configuration as { subnet_ids: string[] }).subnet_ids).toEqual(["subnet-0000000000000000a", "subnet-0000000000000000b"]);
    const logging = env.logging_configuration as Record<string, { enabled: boolean; log_level: string }>;
    for (const kind of ["dag_processing_logs", "scheduler_logs", "task_logs", "webserver_logs", "worker_logs"]) {
      expect(logging[kind]).toEqual({ enabled: true, log_level: "INFO" });
    }
  });

  test("GIVEN the environment WHEN built THEN its security group admits only itself", () => {
    const json = synthStack(build().stack);
    const [ingress] = resources(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress.referenced_security_group_id).toBe(ingress.security_group_id);
    expect(ingress.cidr_ipv4).toBeUndefined();
    expect(resources(json, "aws_vpc_security_group_ingress_rule")).toHaveLength(1);
  });

  test("GIVEN the DAG bucket WHEN built THEN it is versioned, KMS-encrypted, blocked from the public and TLS-only", () => {
    const json = synthStack(build().stack);
    expect(resources(json, "aws_s3_bucket_versioning")[0].versioning_configuration).toEqual({ status: "Enabled" });
    expect(resources(json, "aws_s3_bucket_server_side_encryption_configuration")[0].rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true },
    ]);
    expect(resources(json, "aws_s3_bucket_public_access_block")[0]).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const policy = JSON.parse(resources(json, "aws_s3_bucket_policy")[0].policy as string) as { Statement: Statement[] };
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  test("GIVEN the jobs WHEN built THEN the role may run only their task definitions on the platform cluster and pass only their roles to ECS", () => {
    const s = statements(synthStack(build().stack));
    const run = s.find((x) => x.Action === "ecs:RunTask")!;
    expect(run.Resource).toEqual([
      `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/mlops-test-transform:*`,
      `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/mlops-test-train:*`,
    ]);
    expect(run.Condition).toEqual({ ArnEquals: { "ecs:cluster": `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/mlops-test` } });
    const pass = s.find((x) => x.Action === "iam:PassRole")!;
    expect(pass.Resource).toEqual([role("transform-task"), role("transform-exec"), role("train-task"), role("train-exec")]);
    expect(pass.Condition).toEqual({ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } });
    expect(s.find((x) => x.Sid === "DataObjects")!.Resource).toEqual(["arn:aws:s3:::mlops-test-processed/*", "arn:aws:s3:::mlops-test-viz/*"]);
    // Nothing but read-only describe calls, metrics and the documented MWAA statements on "*".
    const onStar = s.filter((x) => x.Effect === "Allow" && x.Resource === "*").map((x) => x.Action);
    expect(onStar).toEqual(["ecs:DescribeTaskDefinition", "logs:DescribeLogGroups", "s3:GetAccountPublicAccessBlock", "cloudwatch:PutMetricData"]);
    expect(s.find((x) => x.Sid === "KeyThroughSqsAndS3")).toMatchObject({ Resource: KEY });
  });

  test("GIVEN no customer-managed key WHEN built THEN the bucket is SSE-S3 and KMS is allowed only through SQS on AWS-owned keys", () => {
    const json = synthStack(build({ customerManagedKey: undefined }).stack);
    expect(resources(json, "aws_mwaa_environment")[0].kms_key).toBeUndefined();
    expect(resources(json, "aws_s3_bucket_server_side_encryption_configuration")[0].rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    expect(statements(json).find((x) => x.Sid === "AwsOwnedKeyThroughSqs")).toMatchObject({ NotResource: `arn:aws:kms:*:${ACCOUNT}:key/*` });
  });

  test("GIVEN the platform ids WHEN built THEN the startup script exports them as Airflow Variables and the construct exposes the contract", () => {
    const { stack, airflow } = build({ extraVariables: { model_name: "accidents" } });
    new TerraformOutput(stack, "console_airflow", { value: airflow.links[0].url });
    const json = synthStack(stack);
    const script = resources(json, "aws_s3_object")[0].content as string;
    expect(script).toContain("export AIRFLOW_VAR_MLOPS_ECS_CLUSTER='mlops-test'");
    expect(script).toContain("export AIRFLOW_VAR_MLOPS_TRANSFORM_JOB='mlops-test-transform'");
    expect(script).toContain("export AIRFLOW_VAR_MLOPS_TRAIN_JOB='mlops-test-train'");
    expect(script).toContain("export AIRFLOW_VAR_MLOPS_PROCESSED_BUCKET='mlops-test-processed'");
    expect(script).toContain("export AIRFLOW_VAR_MLOPS_ECS_SUBNETS='subnet-0000000000000000a,subnet-0000000000000000b'");
    expect(script).toContain("export AIRFLOW_VAR_MODEL_NAME='accidents'");
    expect(airflow.dagStore).toEqual({ kind: "s3", bucket: expect.stringContaining("${"), prefix: "dags/" });
    expect(json.output?.console_airflow.value).toMatch(/^https:\/\/\$\{aws_mwaa_environment\..*\.webserver_url\}$/);
    expect(airflow.links[1].url).toBe(`https://${REGION}.console.aws.amazon.com/mwaa/home?region=${REGION}#environments/mlops-test-airflow`);
  });

  test("GIVEN the deploy identity WHEN allowed as DAG writer THEN its inline policy may touch objects under dags/ only, with the bucket's key", () => {
    const { airflow, stack } = build();
    airflow.allowDagWriter("ci-dag-writer", "mlops-test-builder");
    const policy = resources(synthStack(stack), "aws_iam_role_policy").find((p) => p.name === "mirror-dags")!;
    expect(policy.role).toBe("mlops-test-builder");
    const writer = (JSON.parse(policy.policy as string) as { Statement: Statement[] }).Statement;
    const mirror = writer.find((x) => x.Sid === "MirrorDags")!;
    expect(mirror.Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
    expect(String(mirror.Resource)).toMatch(/\/dags\/\*$/);
    expect(writer.find((x) => x.Sid === "DagBucketKey")).toMatchObject({ Resource: KEY });
  });

  test("GIVEN a value with a single quote WHEN the startup script is written THEN sh reads it back unchanged", () => {
    expect(startupScript({ note: "it's" })).toContain(`export AIRFLOW_VAR_NOTE='it'"'"'s'`);
  });

  test("GIVEN the alert topic WHEN built THEN a missing scheduler heartbeat and failed tasks alarm to it", () => {
    const alarms = resources(synthStack(build().stack), "aws_cloudwatch_metric_alarm");
    const heartbeat = alarms.find((a) => a.metric_name === "SchedulerHeartbeat")!;
    expect(heartbeat).toMatchObject({ namespace: "AmazonMWAA", comparison_operator: "LessThanThreshold", treat_missing_data: "breaching", dimensions: { Environment: "mlops-test-airflow", Function: "Scheduler" } });
    expect(heartbeat.alarm_actions).toEqual([`arn:aws:sns:${REGION}:${ACCOUNT}:mlops-test-alerts`]);
    expect(alarms.find((a) => a.metric_name === "TaskInstanceFailures")).toMatchObject({ threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold" });
  });

  test("GIVEN an environment that keeps access logs WHEN the AWS pack, the MWAA rules and the AWS register run THEN nothing is flagged and the DAG bucket logs to the platform's log bucket", () => {
    const { stack } = build({ accessLogBucket: "mlops-test-access-logs" });
    const accepted = awsAcceptedRisks({ ...RISK_ENV, storage: { encryption: "kms", accessLogging: true } });
    const { errors } = checkPolicy(stack, [...AWS_PACK, { rule: awsMwaaPrivate, level: "error" }, { rule: awsMwaaRoleScoped, level: "error" }], undefined, accepted);
    expect(errors.map((e) => `${e.ruleId} ${e.path}`)).toEqual([]);
    expect(resources(synthStack(build({ accessLogBucket: "mlops-test-access-logs" }).stack), "aws_s3_bucket_logging")[0]).toMatchObject({ target_bucket: "mlops-test-access-logs", target_prefix: "airflow-dags/" });
  });

  test("GIVEN an environment that keeps access logs WHEN the DAG bucket has no logging THEN the access-logging check flags it", () => {
    const accepted = awsAcceptedRisks({ ...RISK_ENV, storage: { encryption: "kms", accessLogging: true } });
    const { errors } = checkPolicy(build().stack, AWS_PACK, undefined, accepted);
    expect(errors.map((e) => `${e.ruleId} ${e.path}`)).toEqual(["MLOPS-AWS-S3-ACCESS-LOGGING test/airflow/dags/bucket"]);
  });

  test("GIVEN the platform ids WHEN built THEN the Variables are exactly those the DAGs read on AWS (variables.py), and no train job means no train Variable and no train grants", () => {
    expect(Object.keys(build().airflow.variables).sort()).toEqual(dagTableVariables("aws").sort());
    const { airflow, stack } = build({ jobs: { transform: props().jobs.transform } });
    expect(Object.keys(airflow.variables)).not.toContain("mlops_train_job");
    expect(statements(synthStack(stack)).find((x) => x.Action === "ecs:RunTask")!.Resource).toEqual([`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/mlops-test-transform:*`]);
  });

  test.each([
    [{ minWorkers: 3, maxWorkers: 2 }, /workers must satisfy 1 <= minWorkers <= maxWorkers <= 25 \(integers\); got 3\.\.2/],
    [{ privateSubnetIds: ["subnet-a"] }, /privateSubnetIds must list two subnets in different zones \(MWAA needs two\); got 1/],
    [{ extraVariables: { "Bad-Name": "x" } }, /Airflow Variable name "Bad-Name" must be 1-64 lowercase letters/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (over, message) => {
    expect(() => build(over as Partial<MwaaProps>)).toThrow(message);
    expect(() => build(over as Partial<MwaaProps>)).toThrow(/^\[test\/airflow\]/);
  });
});

/** Why terraform cannot run here (checked before collection, so the suite is skipped, not passed empty). */
function terraformMissing(): string | undefined {
  if (spawnSync("terraform", ["version"], { env: terraformEnv() }).status !== 0) return "terraform is not on PATH";
  if (!findMirror("aws") && process.env.TF_ONLINE !== "1") return "no provider mirror holds registry.terraform.io/hashicorp/aws (set TF_PLUGIN_MIRROR)";
  return undefined;
}
const missing = terraformMissing();
if (missing && terraformRequired()) throw new Error(`REQUIRE_TERRAFORM=1 but ${missing}`);
if (missing) console.warn(`SKIPPED real-terraform MWAA checks: ${missing}`);

(missing ? describe.skip : describe)("Mwaa through real terraform (offline)", () => {
  let result: StackPlan;

  beforeAll(async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-mwaa-"));
    const availability = await terraformAvailability(["aws"], work);
    if (!availability.ok) throw new Error(`terraform became unavailable: ${availability.reason}`);
    // The stack `build({})` makes (mwaaTestStack), synthesized and planned by the combined AWS plan.
    result = await awsPlan("mwaa-test", availability.cliConfig!);
  }, TERRAFORM_HOOK_TIMEOUT_MS);

  test("terraform's validation accepts the MWAA stack (plan validates first) and plan creates exactly the environment, bucket, role, group, script and alarms", () => {
    expect(result.plan.errored).toBe(false);
    const changes = result.plan.resource_changes;
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    const count = (type: string) => changes.filter((c) => c.type === type).length;
    expect({
      env: count("aws_mwaa_environment"),
      bucket: count("aws_s3_bucket"),
      role: count("aws_iam_role"),
      policy: count("aws_iam_role_policy"),
      sg: count("aws_security_group"),
      script: count("aws_s3_object"),
      alarms: count("aws_cloudwatch_metric_alarm"),
    }).toEqual({ env: 1, bucket: 1, role: 1, policy: 1, sg: 1, script: 1, alarms: 2 });
    const env = changes.find((c) => c.type === "aws_mwaa_environment")!.change.after!;
    expect(env).toMatchObject({ webserver_access_mode: "PRIVATE_ONLY", airflow_version: "3.0.6", environment_class: "mw1.medium", kms_key: KEY });
  });
});
