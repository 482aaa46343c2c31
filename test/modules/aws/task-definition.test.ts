import { Construct } from "constructs";
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ContainerFacts } from "../../../modules/core/container-contract";
import { Naming } from "../../../modules/core/naming";
import type { ResolvedService } from "../../../modules/core/workload-spec";
import { createTaskDefinition, TaskDefinitionProps } from "../../../modules/aws/task-definition";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, synthStack } from "../../support/synth";

const FACTS: ContainerFacts = {
  cloud: "aws",
  environment: "test",
  bucketName: (p) => `mlops-test-${p}`,
  cloudEnv: { AWS_REGION: "eu-central-1" },
  database: { host: "db.internal", port: 5432, name: "mlflow", user: "mlflow", sslMode: "require", auth: "password" },
  mlflowAllowedHosts: ["mlflow.internal"],
};
const spec = (name: string): ResolvedService => ({ ...SERVICE_CATALOG.find((s) => s.name === name)!, image: { kind: "tag", tag: "t1" } });
const BUCKET_ARNS = { raw: "arn:aws:s3:::raw", processed: "arn:aws:s3:::processed", viz: "arn:aws:s3:::viz", "mlflow-artifacts": "arn:aws:s3:::mlflow-artifacts" };

function build(s: ResolvedService, over: Partial<TaskDefinitionProps> = {}) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  const scope = new Construct(stack, s.name);
  createTaskDefinition(scope, {
    naming: new Naming("mlops", "test"),
    region: "eu-central-1",
    spec: s,
    repositoryUrl: "123456789012.dkr.ecr.eu-central-1.amazonaws.com/mlops-test/" + s.name,
    repositoryArn: "arn:aws:ecr:eu-central-1:123456789012:repository/mlops-test/" + s.name,
    bucketArns: BUCKET_ARNS,
    secretArns: {},
    databaseSecretArn: s.usesDatabase ? "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1" : undefined,
    facts: FACTS,
    ...over,
  });
  const json = synthStack(stack);
  const [task] = resources(json, "aws_ecs_task_definition");
  const [container] = JSON.parse(String(task.container_definitions)) as { environment: { name: string; value: string }[]; secrets: { name: string; valueFrom: string }[]; readonlyRootFilesystem: boolean }[];
  return { json, task, container };
}

describe("AWS task definition", () => {
  test("GIVEN MLflow WHEN built THEN the contract's database variables are plain and DB_PASSWORD comes from the RDS secret's password key", () => {
    const { container } = build(spec("mlflow"));
    const env = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({ DB_HOST: "db.internal", DB_PORT: "5432", DB_SSLMODE: "require", DB_AUTH: "password", BUCKET_MLFLOW_ARTIFACTS: "mlops-test-mlflow-artifacts", PORT: "5000" });
    expect(container.secrets).toEqual([{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:rds!db-1:password::" }]);
    expect(container.readonlyRootFilesystem).toBe(true);
  });

  test("GIVEN a spec secret WHEN built THEN it is injected by ARN and only the execution role may read it", () => {
    // No catalog workload has a secret of its own today; a spec that names one gets it by reference.
    const s: ResolvedService = { ...spec("receiver"), secrets: ["model-api-signing-key"] };
    const { json, container } = build(s, {
      secretArns: { "model-api-signing-key": "arn:aws:secretsmanager:eu-central-1:123456789012:secret:k" },
      facts: { ...FACTS, auth: { issuer: "https://cognito", audience: "c", jwksUri: "https://cognito/jwks", adminClaim: "scope", adminValues: ["mlops/admin"] } },
    });
    expect(container.secrets).toEqual([{ name: "MODEL_API_SIGNING_KEY", valueFrom: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:k" }]);
    const policies = resources(json, "aws_iam_role_policy").map((p) => String(p.policy));
    expect(policies.filter((p) => p.includes("secretsmanager:GetSecretValue"))).toHaveLength(1);
  });

  test.each([
    ["a secret that does not exist", { ...spec("receiver"), secrets: ["model-api-signing-key"] }, {}, /receiver reads secret model-api-signing-key, which does not exist/],
    ["a database user without a database", spec("mlflow"), { databaseSecretArn: undefined }, /mlflow uses the database but no database was given/],
  ])("GIVEN %s WHEN built THEN a ValidationError", (_label, s, over, message) => {
    expect(() => build(s, over as Partial<TaskDefinitionProps>)).toThrow(message);
  });
});
