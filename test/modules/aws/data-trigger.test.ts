/** AWS data trigger: an object under the catalog job's prefix runs its Fargate task, with the object passed in. */
import { DataTrigger } from "../../../modules/aws/data-trigger";
import type { PlatformObjectStorage } from "../../../modules/core/contracts";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { ACCOUNT, AWS_NAMING, awsTestStack } from "./aws-test-stack";

const job = SERVICE_CATALOG.find((s) => s.kind === "job" && s.trigger)!;
const storage: PlatformObjectStorage = { bucketName: (p) => `mlops-test-${p}-${ACCOUNT}` };
const CLUSTER = "arn:aws:ecs:eu-central-1:111111111111:cluster/mlops-test";
const TASK = `arn:aws:ecs:eu-central-1:111111111111:task-definition/mlops-test-${job.name}:1`;
const ROLES = ["arn:aws:iam::111111111111:role/exec", "arn:aws:iam::111111111111:role/task"];

describe("AWS DataTrigger", () => {
  let json: StackJson;
  let trigger: DataTrigger;
  beforeAll(() => {
    const stack = awsTestStack();
    trigger = new DataTrigger(stack, `${job.name}-trigger`, {
      naming: AWS_NAMING, accountId: ACCOUNT, jobName: job.name, storage, bucket: job.trigger!.bucket, prefix: job.trigger!.prefix,
      clusterArn: CLUSTER, taskDefinitionArn: TASK, passRoleArns: ROLES, subnetIds: ["subnet-a"], securityGroupIds: ["sg-job"],
    });
    json = synthStack(stack);
  });

  test("GIVEN the catalog's triggered job WHEN synthesized THEN the rule matches Object Created in its bucket under its prefix only", () => {
    expect(trigger).toMatchObject({ jobName: job.name, bucket: job.trigger!.bucket, prefix: job.trigger!.prefix });
    const [rule] = resources(json, "aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.s3"], "detail-type": ["Object Created"],
      detail: { bucket: { name: [storage.bucketName(job.trigger!.bucket)] }, object: { key: [{ prefix: job.trigger!.prefix }] } },
    });
  });

  test("GIVEN the target THEN one private Fargate task runs with INPUT_BUCKET and INPUT_KEY from the event, retried for an hour", () => {
    const [target] = resources(json, "aws_cloudwatch_event_target");
    expect(target).toMatchObject({
      arn: CLUSTER,
      ecs_target: { task_definition_arn: TASK, launch_type: "FARGATE", task_count: 1, network_configuration: { assign_public_ip: false, subnets: ["subnet-a"], security_groups: ["sg-job"] } },
      retry_policy: { maximum_event_age_in_seconds: 3600 },
    });
    const transformer = target.input_transformer as { input_paths: Record<string, string>; input_template: string };
    expect(transformer.input_paths).toEqual({ bucket: "$.detail.bucket.name", key: "$.detail.object.key" });
    expect(JSON.parse(transformer.input_template).containerOverrides).toEqual([{ name: job.name, environment: [{ name: "INPUT_BUCKET", value: "<bucket>" }, { name: "INPUT_KEY", value: "<key>" }] }]);
  });

  test("GIVEN the trigger's role THEN only EventBridge of this account assumes it, it runs only this task in this cluster and passes only the job's roles to ECS", () => {
    const [role] = resources(json, "aws_iam_role");
    expect(role.assume_role_policy as string).toContain("events.amazonaws.com");
    expect(role.assume_role_policy as string).toContain(ACCOUNT);
    const [policy] = resources(json, "aws_iam_role_policy");
    expect(JSON.parse(policy.policy as string).Statement).toEqual([
      { Effect: "Allow", Action: "ecs:RunTask", Resource: TASK, Condition: { ArnEquals: { "ecs:cluster": CLUSTER } } },
      { Effect: "Allow", Action: "iam:PassRole", Resource: ROLES, Condition: { StringLike: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } },
    ]);
  });
});
