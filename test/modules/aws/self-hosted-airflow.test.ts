/**
 * Self-hosted Airflow on ECS Fargate, on the synthesized JSON: four private services running the
 * pinned image, the DAG sync sidecar and the migration where they belong, secrets generated into
 * Secrets Manager and read by ARN only, the task role limited to what the DAGs do, the database
 * login the day-0 step creates, and the alarms. The real offline plan of a dev stack with it:
 * test/terraform/aws-self-hosted-airflow-plan.test.ts.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack } from "cdktf";
import { SelfHostedAirflow, SelfHostedAirflowProps } from "../../../modules/aws/self-hosted-airflow";
import { DAG_SYNC_SCRIPT } from "../../../modules/aws/private/dag-sync";
import { AIRFLOW_IMAGE, imageReference } from "../../../modules/core/airflow";
import { AWS_PACK } from "../../../modules/policy/aws-pack";
import { awsAcceptedRisks } from "../../../modules/policy/accepted";
import { RiskEnvironment } from "../../../modules/policy/accepted-risk";
import { dagTableVariables } from "../../support/dag-variables";
import { checkPolicy } from "../../support/policy";
import { resources, synthStack } from "../../support/synth";
import { ACCOUNT, airflowPlatformFacts, awsTestStack, REGION } from "./aws-test-stack";

/** A persistent, zonal, KMS environment: the register accepts only what every environment keeps. */
const RISK_ENV: RiskEnvironment = { name: "test", logRetentionDays: 365, lifecycle: "persistent", resilience: "zonal", storage: { encryption: "kms", accessLogging: false }, clouds: {} };
const role = (n: string) => `arn:aws:iam::${ACCOUNT}:role/mlops-test-${n}`;

function props(over: Partial<SelfHostedAirflowProps> = {}): SelfHostedAirflowProps {
  return {
    ...airflowPlatformFacts(),
    privateSubnetIds: ["subnet-0000000000000000a", "subnet-0000000000000000b"],
    database: { server: "mlops-test-mlflow", host: "mlops-test-mlflow.abc.eu-central-1.rds.amazonaws.com", port: 5432, securityGroupId: "sg-0000000000000000d" },
    ...over,
  };
}

function build(over: Partial<SelfHostedAirflowProps> = {}): { stack: TerraformStack; airflow: SelfHostedAirflow } {
  const stack = awsTestStack();
  return { stack, airflow: new SelfHostedAirflow(stack, "airflow", props(over)) };
}

type Container = { name: string; image: string; essential: boolean; command?: string[]; entryPoint?: string[]; readonlyRootFilesystem: boolean; user: string; mountPoints: { sourceVolume: string; containerPath: string }[]; dependsOn?: { containerName: string; condition: string }[]; secrets?: { name: string; valueFrom: string }[]; environment?: { name: string; value: string }[]; healthCheck?: { command: string[] } };
type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource?: string | string[]; Condition?: Record<string, Record<string, unknown>> };

const json = synthStack(build().stack);
const byName = <T>(type: string, key: string) => Object.fromEntries(resources(json, type).map((r) => [String(r[key]), r as T & Record<string, unknown>]));
const tasks = byName<{ container_definitions: string; cpu: string; memory: string }>("aws_ecs_task_definition", "family");
const containers = (component: string): Container[] => JSON.parse(tasks[`mlops-test-airflow-${component}`].container_definitions) as Container[];
const services = byName<Record<string, unknown>>("aws_ecs_service", "name");

describe("SelfHostedAirflow (AWS)", () => {
  test("GIVEN the defaults WHEN built THEN four Fargate services run in the private subnets without public IPs or load balancers; only the API server is reachable (Cloud Map, ECS Exec)", () => {
    expect(Object.keys(services).sort()).toEqual(["airflow-api-server", "airflow-dag-processor", "airflow-scheduler", "airflow-triggerer"]);
    for (const s of Object.values(services)) {
      expect(s).toMatchObject({ desired_count: 1, network_configuration: { subnets: props().privateSubnetIds, assign_public_ip: false } });
      expect(s.load_balancer).toBeUndefined();
    }
    expect(services["airflow-api-server"]).toMatchObject({ enable_execute_command: true, service_registries: { registry_arn: expect.stringContaining("aws_service_discovery_service.") } });
    expect(services["airflow-scheduler"].enable_execute_command).toBe(false);
    expect(resources(json, "aws_lb")).toEqual([]);
    const [ns] = resources(json, "aws_service_discovery_private_dns_namespace");
    expect(ns).toMatchObject({ name: "mlops-test-airflow.internal", vpc: "vpc-0123456789abcdef0" });
    const ingress = resources(json, "aws_vpc_security_group_ingress_rule");
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ from_port: 8080, to_port: 8080, referenced_security_group_id: expect.stringContaining("aws_security_group.airflow_sg") });
  });

  test("GIVEN the pinned image WHEN built THEN every container runs it by digest, read-only, as the image's user", () => {
    for (const c of ["api-server", "scheduler", "dag-processor", "triggerer"].flatMap(containers)) {
      expect(c.image).toBe(imageReference(AIRFLOW_IMAGE));
      expect(c).toMatchObject({ readonlyRootFilesystem: true, user: "50000:0" });
    }
    // What Airflow writes at start goes to the writable /tmp volume, not the read-only image.
    for (const c of ["api-server", "scheduler", "dag-processor", "triggerer"].flatMap(containers).filter((x) => x.name !== "dag-sync")) {
      const env = Object.fromEntries((c.environment ?? []).map((e) => [e.name, e.value]));
      expect([c.name, env.AIRFLOW_CONFIG, env.AIRFLOW__FAB__CONFIG_FILE]).toEqual([c.name, "/tmp/airflow.cfg", "/tmp/webserver_config.py"]);
      expect(c.mountPoints).toContainEqual(expect.objectContaining({ sourceVolume: "tmp", containerPath: "/tmp" }));
    }
  });

  test("GIVEN the components WHEN built THEN the scheduler migrates first, the DAG readers get the sync sidecar on a shared volume, the others do not", () => {
    const scheduler = containers("scheduler");
    expect(scheduler.map((c) => c.name)).toEqual(["db-migrate", "dag-sync", "scheduler"]);
    expect(scheduler[0]).toMatchObject({ essential: false, command: ["db", "migrate"] });
    expect(scheduler[2].dependsOn).toEqual([{ containerName: "dag-sync", condition: "START" }, { containerName: "db-migrate", condition: "SUCCESS" }]);
    expect(scheduler[2].healthCheck?.command[1]).toContain("http://localhost:8974/health");
    const sync = scheduler[1];
    expect(sync.entryPoint).toEqual(["python", "-c"]);
    expect(sync.command?.[0]).toContain('get_paginator("list_objects_v2")');
    expect(sync.environment).toEqual(expect.arrayContaining([{ name: "DAG_PREFIX", value: "dags/" }, { name: "DAG_BUCKET", value: expect.stringContaining("aws_s3_bucket.airflow_dags_bucket") }]));
    for (const c of [sync, scheduler[2]]) expect(c.mountPoints).toContainEqual(expect.objectContaining({ sourceVolume: "dags", containerPath: "/opt/airflow/dags" }));
    expect(containers("dag-processor").map((c) => c.name)).toEqual(["dag-sync", "dag-processor"]);
    expect(containers("api-server").map((c) => c.name)).toEqual(["api-server"]);
    expect(containers("triggerer").map((c) => c.name)).toEqual(["triggerer"]);
  });

  test("GIVEN the generated secrets WHEN synthesized THEN values are write-only from ephemeral passwords, containers read them by ARN, and the execution API points at the API server's private name", () => {
    const versions = resources(json, "aws_secretsmanager_secret_version");
    expect(versions).toHaveLength(5);
    for (const v of versions) {
      expect(v.secret_string).toBeUndefined();
      expect(String(v.secret_string_wo)).toMatch(/ephemeral\.aws_secretsmanager_(random_password|secret_version)\./);
    }
    const ephemeral = (json as { ephemeral?: Record<string, Record<string, Record<string, unknown>>> }).ephemeral!;
    for (const p of Object.values(ephemeral.aws_secretsmanager_random_password)) {
      expect(p).toMatchObject({ exclude_punctuation: true, password_length: expect.stringMatching(/aws_secretsmanager_secret\..*\.arn/) });
    }
    const main = containers("scheduler")[2];
    expect(main.secrets!.map((s) => s.name).sort()).toEqual(["AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]);
    for (const s of main.secrets!) expect(s.valueFrom).toMatch(/^\$\{aws_secretsmanager_secret\.airflow_secrets_.*\.arn\}$/);
    expect(main.environment).toContainEqual({ name: "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", value: "http://api-server.mlops-test-airflow.internal:8080/execution/" });
  });

  test("GIVEN the jobs WHEN built THEN the task role may start only their families on the cluster, pass only their roles to ECS, and read only dags/ of the DAG bucket", () => {
    const policy = resources(json, "aws_iam_role_policy").find((p) => p.name === "airflow-dags")!;
    const statements = (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;
    const sid = (s: string) => statements.find((x) => x.Sid === s)!;
    expect(sid("StartPlatformJobs")).toMatchObject({ Action: "ecs:RunTask", Resource: [`arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/mlops-test-transform:*`, `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/mlops-test-train:*`] });
    expect(sid("PassJobRoles")).toMatchObject({ Resource: [role("transform-task"), role("transform-exec"), role("train-task"), role("train-exec")], Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } });
    expect(String(sid("ReadDags").Resource)).toMatch(/\/dags\/\*$/);
    expect(sid("DataObjects").Resource).toEqual(["arn:aws:s3:::mlops-test-processed/*", "arn:aws:s3:::mlops-test-viz/*"]);
  });

  test("GIVEN the platform ids WHEN built THEN the Variables are exactly those the DAGs read on AWS, ", () => {
    const { airflow } = build();
    expect(Object.keys(airflow.variables).sort()).toEqual(dagTableVariables("aws").sort());
    expect(airflow.dagStore).toMatchObject({ kind: "s3", prefix: "dags/" });
    expect(airflow.uiUrl).toBe("http://api-server.mlops-test-airflow.internal:8080");
  });

  test("GIVEN the stack WHEN synthesized THEN it declares Airflow's login for day 0: database created by the migration, own schema, password from its generated secret", () => {
    const declared = (json as { locals?: Record<string, Record<string, unknown>> }).locals?.mlops_database_login_airflow;
    expect(declared).toMatchObject({ owner: "Airflow", server: "mlops-test-mlflow", database: "airflow", role: "airflow", schema: "airflow", login: "password", createDatabase: true });
    expect(String(declared?.passwordSecret)).toMatch(/^\$\{aws_secretsmanager_secret\.airflow_secrets_airflow-db-password_[0-9A-F]+\.name\}$/);
  });

  test("GIVEN the alert topic WHEN built THEN a scheduler without a running task and failed task lines alarm to it", () => {
    const alarms = byName<Record<string, unknown>>("aws_cloudwatch_metric_alarm", "alarm_name");
    expect(alarms["mlops-test-airflow-scheduler-down"]).toMatchObject({ namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount", dimensions: { ClusterName: "mlops-test", ServiceName: expect.stringContaining("aws_ecs_service.airflow_scheduler") }, treat_missing_data: "breaching", alarm_actions: [props().alertTopicArn] });
    expect(alarms["mlops-test-airflow-task-failures"]).toMatchObject({ namespace: "MLOps/Airflow", threshold: 1 });
    const [filter] = resources(json, "aws_cloudwatch_log_metric_filter");
    expect(filter).toMatchObject({ pattern: '"state=failed"', log_group_name: expect.stringContaining("airflow_logs-scheduler") });
  });

  test("GIVEN a persistent environment that keeps access logs WHEN the AWS pack and register run THEN nothing is flagged", () => {
    const accepted = awsAcceptedRisks({ ...RISK_ENV, storage: { encryption: "kms", accessLogging: true } });
    const { errors } = checkPolicy(build({ accessLogBucket: "mlops-test-access-logs", logRetentionDays: 365 }).stack, AWS_PACK, undefined, accepted);
    expect(errors.map((e) => `${e.ruleId} ${e.path}`)).toEqual([]);
  });

  test.each([
    [{ image: { ...AIRFLOW_IMAGE, digest: "latest" } }, /image\.digest must be sha256:<64 hex>; got "latest"/],
    [{ minWorkers: 3, maxWorkers: 2 }, /workers must satisfy 1 <= minWorkers <= maxWorkers <= 25/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (over, message) => {
    expect(() => build(over as Partial<SelfHostedAirflowProps>)).toThrow(message);
    expect(() => build(over as Partial<SelfHostedAirflowProps>)).toThrow(/^\[test\/airflow\]/);
  });
});

/** The sidecar's program run by Python against an in-memory bucket (no network, no AWS). */
describe("the AWS DAG sync sidecar", () => {
  const harness = `
import importlib.util, json, pathlib, sys, tempfile
spec = importlib.util.spec_from_file_location("dag_sync", sys.argv[1]); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
class Body:
    def __init__(self, b): self.b = b
    def read(self): return self.b
class Fake:
    def __init__(self): self.objects = {}
    def get_paginator(self, _):
        fake = self
        class P:
            def paginate(self, Bucket, Prefix):
                yield {"Contents": [{"Key": k, "ETag": str(hash(v))} for k, v in fake.objects.items() if k.startswith(Prefix)]}
        return P()
    def get_object(self, Bucket, Key): return {"Body": Body(self.objects[Key])}
s3, root, seen, log = Fake(), pathlib.Path(tempfile.mkdtemp()), {}, []
def state(): return sorted(p.relative_to(root).as_posix() + "=" + p.read_text() for p in root.rglob("*") if p.is_file())
s3.objects = {"dags/a.py": b"a1", "dags/sub/b.py": b"b1", "dags/../evil.py": b"x", "startup/startup.sh": b"s"}
m.sync(s3, "bucket", root, "dags/", seen); log.append(state())
(root / "__pycache__").mkdir(); (root / "__pycache__" / "a.pyc").write_text("c")
s3.objects = {"dags/a.py": b"a2", "startup/startup.sh": b"s"}
m.sync(s3, "bucket", root, "dags/", seen); log.append(state())
print(json.dumps(log))
`;
  test("GIVEN DAGs added, changed and removed in the bucket WHEN synced THEN the folder mirrors dags/ only, skips keys leaving it, and keeps Python's caches", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dag-sync-"));
    fs.writeFileSync(path.join(dir, "dag_sync.py"), DAG_SYNC_SCRIPT);
    fs.writeFileSync(path.join(dir, "harness.py"), harness);
    const out = execFileSync("/usr/bin/python3", [path.join(dir, "harness.py"), path.join(dir, "dag_sync.py")], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([
      ["a.py=a1", "sub/b.py=b1"],
      ["__pycache__/a.pyc=c", "a.py=a2"],
    ]);
  });
});
