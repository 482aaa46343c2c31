/** AWS: the model API may start the train job (retrain) and nothing else: RunTask on train's family on the platform cluster, PassRole on train's two roles. */
import { EcsFargate, EcsFargateProps } from "../../../modules/aws/ecs-fargate";
import { LoadBalancer } from "../../../modules/aws/load-balancer";
import { trainJobFacts } from "../../../modules/aws/task-definition";
import type { ContainerFacts } from "../../../modules/core/container-contract";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack, REGION } from "./aws-test-stack";

const CLUSTER_ARN = "arn:aws:ecs:eu-central-1:111111111111:cluster/mlops-test";
const spec = (name: string): ResolvedService => ({ ...SERVICE_CATALOG.find((s) => s.name === name)!, image: { kind: "tag", tag: "v1" } });
const FACTS: ContainerFacts = {
  cloud: "aws",
  environment: "test",
  bucketName: (p) => `mlops-test-${p}`,
  cloudEnv: { AWS_REGION: REGION },
  auth: { issuer: "https://issuer", audience: "client", jwksUri: "https://issuer/jwks", adminClaim: "scope", adminValues: ["mlops/admin"] },
  mlflowTrackingUri: "http://mlops-test-nlb.internal:5000",
};

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

describe("AWS EcsFargate.allowStarting (model API retrain)", () => {
  let json: StackJson;
  let modelApi: EcsFargate;
  let train: EcsFargate;
  let receiver: EcsFargate;
  beforeAll(() => {
    const stack = awsTestStack();
    const nlb = new LoadBalancer(stack, "nlb", { naming: AWS_NAMING, vpcId: "vpc-1", vpcCidr: "10.40.0.0/16", subnetIds: ["subnet-a"] });
    const props = (s: ResolvedService, over: Partial<EcsFargateProps> = {}): EcsFargateProps => ({
      naming: AWS_NAMING, region: REGION, service: s, clusterArn: CLUSTER_ARN, clusterName: "mlops-test", vpcId: "vpc-1", vpcCidr: "10.40.0.0/16", subnetIds: ["subnet-a"],
      repositoryUrl: `111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops-test/${s.name}`, repositoryArn: `arn:aws:ecr:eu-central-1:111111111111:repository/mlops-test/${s.name}`,
      bucketArns: { raw: "arn:aws:s3:::raw", processed: "arn:aws:s3:::processed", viz: "arn:aws:s3:::viz", "mlflow-artifacts": "arn:aws:s3:::mlflow-artifacts" },
      secretArns: {}, facts: FACTS, ...over,
    });
    train = new EcsFargate(stack, "train", props(spec("train")));
    const withTrain = { ...FACTS, trainJob: trainJobFacts(train, AWS_NAMING.name("train"), "mlops-test", ["subnet-a"]) };
    modelApi = new EcsFargate(stack, "model-api", props(spec("model-api"), { facts: withTrain, target: nlb.addTarget("model-api", 8000, "/health"), loadBalancerSecurityGroupId: "sg-nlb" }));
    receiver = new EcsFargate(stack, "receiver", props(spec("receiver"), { target: nlb.addTarget("receiver", 8080, "/health"), loadBalancerSecurityGroupId: "sg-nlb" }));
    modelApi.allowStarting(train, CLUSTER_ARN);
    json = synthStack(stack);
  });

  const key = (type: string, pick: (r: Record<string, unknown>) => boolean) => Object.entries(json.resource![type]).find(([, r]) => pick(r))![0];
  const grant = () => resources(json, "aws_iam_role_policy").find((p) => p.name === "start-train")!;

  test("GIVEN the grant THEN it is on the model API's task role only, and RunTask names train's family on the platform cluster", () => {
    const grants = resources(json, "aws_iam_role_policy").filter((p) => String(p.policy).includes("ecs:RunTask"));
    expect(grants).toHaveLength(1);
    expect(grant().role).toBe(`\${aws_iam_role.${key("aws_iam_role", (r) => r.name === "mlops-test-model-api-task")}.id}`);
    const [run] = (JSON.parse(String(grant().policy)) as { Statement: Statement[] }).Statement;
    const trainTask = key("aws_ecs_task_definition", (r) => r.family === "mlops-test-train");
    expect(run).toEqual({
      Sid: "RunJobOnPlatformCluster",
      Effect: "Allow",
      Action: "ecs:RunTask",
      // arn:aws:ecs:<region>:<account>:task-definition/mlops-test-train:* (every revision; RunTask by family takes the latest).
      Resource: `\${aws_ecs_task_definition.${trainTask}.arn_without_revision}:*`,
      Condition: { ArnEquals: { "ecs:cluster": CLUSTER_ARN } },
    });
  });

  test("GIVEN the grant THEN PassRole names exactly train's task and execution roles, to ECS tasks only; no tagging, no wildcard resource", () => {
    const statements = (JSON.parse(String(grant().policy)) as { Statement: Statement[] }).Statement;
    expect(statements).toHaveLength(2);
    const role = (name: string) => `\${aws_iam_role.${key("aws_iam_role", (r) => r.name === name)}.arn}`;
    expect(statements[1]).toEqual({
      Sid: "PassJobRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: [role("mlops-test-train-task"), role("mlops-test-train-exec")],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    });
    for (const s of statements) {
      for (const r of [s.Resource].flat()) expect(r).not.toMatch(/^\*$|:\*:\*|task-definition\/\*/);
      expect([s.Action].flat()).not.toContain("ecs:TagResource");
    }
  });

  test("GIVEN the grant THEN the model API's service starts after it, so the first retrain after apply is allowed", () => {
    const svc = resources(json, "aws_ecs_service").find((s) => s.name === "model-api")!;
    expect(svc.depends_on).toContain(`aws_iam_role_policy.${key("aws_iam_role_policy", (r) => r.name === "start-train")}`);
    const other = resources(json, "aws_ecs_service").find((s) => s.name === "receiver")!;
    expect(JSON.stringify(other.depends_on)).not.toContain("start-train");
  });

  test("GIVEN the model API's environment THEN it starts train in train's own security group, on the cluster, in the subnets", () => {
    const td = resources(json, "aws_ecs_task_definition").find((t) => t.family === "mlops-test-model-api")!;
    const env = Object.fromEntries((JSON.parse(String(td.container_definitions))[0].environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    const trainGroup = key("aws_security_group", (r) => r.name === "mlops-test-train");
    expect(env).toMatchObject({ TRAIN_JOB: "mlops-test-train", JOB_CLUSTER: "mlops-test", JOB_SUBNETS: "subnet-a", JOB_SECURITY_GROUPS: `\${aws_security_group.${trainGroup}.id}` });
  });

  test("GIVEN a service instead of a job WHEN allowed to start it THEN validation refuses", () => {
    expect(() => modelApi.allowStarting(receiver, CLUSTER_ARN)).toThrow("model-api may start jobs only; receiver is a service");
  });
});
