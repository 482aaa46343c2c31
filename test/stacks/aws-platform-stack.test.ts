/** The AWS platform as users deploy it: dev cheap, prod resilient, secure attributes in place. */
import { promotedDeployments } from "../support/deployments";
import { resources, StackJson, synthProject } from "../support/synth";

const DIGEST = `sha256:${"c0ffee".repeat(10)}cafe`;
const deployments = promotedDeployments({ prod: { digest: DIGEST, version: "2.3.0" } });
const built = synthProject({ select: "dev,prod", deploymentsDir: deployments, clouds: ["aws"] });
const dev = built.json("dev-aws");
const prod = built.json("prod-aws");

function containerOf(json: StackJson, family: string) {
  const td = resources(json, "aws_ecs_task_definition").find((t) => String(t.family).endsWith(family))!;
  return JSON.parse(td.container_definitions as string)[0] as Record<string, any>;
}

function service(json: StackJson, name: string) {
  return resources(json, "aws_ecs_service").find((s) => s.name === name)!;
}

describe("AWS platform stack", () => {
  test("GIVEN dev WHEN synthesized THEN it is cheap: one NAT, single-AZ burstable database, one task per service, Spot", () => {
    expect(resources(dev, "aws_nat_gateway")).toHaveLength(1);
    const [db] = resources(dev, "aws_db_instance");
    expect(db).toMatchObject({ multi_az: false, deletion_protection: false, instance_class: "db.t4g.micro", skip_final_snapshot: true });
    expect(service(dev, "model-api").capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1 }]);
    expect(service(dev, "model-api").desired_count).toBe(1);
  });

  test("GIVEN prod WHEN synthesized THEN it is resilient: NAT per zone, Multi-AZ protected database, two tasks per public service", () => {
    expect(resources(prod, "aws_nat_gateway")).toHaveLength(3);
    const [db] = resources(prod, "aws_db_instance");
    expect(db).toMatchObject({ multi_az: true, deletion_protection: true, performance_insights_enabled: true, skip_final_snapshot: false });
    for (const name of ["receiver", "model-api"]) {
      expect(service(prod, name).desired_count).toBeGreaterThanOrEqual(2);
      const target = resources(prod, "aws_appautoscaling_target").find((t) => String(t.resource_id).includes(`${name}_service`))!;
      expect(target.min_capacity).toBeGreaterThanOrEqual(2);
    }
    expect(resources(prod, "aws_lb")[0]).toMatchObject({ internal: true, enable_deletion_protection: true });
  });

  test("GIVEN any environment WHEN synthesized THEN the database is encrypted, private, TLS-only, and its password is managed by RDS", () => {
    for (const json of [dev, prod]) {
      const [db] = resources(json, "aws_db_instance");
      expect(db).toMatchObject({ storage_encrypted: true, publicly_accessible: false, manage_master_user_password: true, iam_database_authentication_enabled: true });
      expect(db.password).toBeUndefined();
      const [params] = resources(json, "aws_db_parameter_group");
      expect(params.parameter).toEqual(expect.arrayContaining([{ name: "rds.force_ssl", value: "1" }]));
    }
    expect(JSON.stringify(prod)).not.toMatch(/"password"\s*:\s*"[^$]/);
  });

  test("GIVEN the catalog WHEN synthesized THEN one immutable, scanned ECR repository per workload, pushed by CI and pulled by its task", () => {
    const repos = resources(prod, "aws_ecr_repository");
    expect(repos.map((r) => r.name).sort()).toEqual(["mlops-prod/mlflow", "mlops-prod/model-api", "mlops-prod/receiver", "mlops-prod/train", "mlops-prod/transform"]);
    for (const r of repos) expect(r).toMatchObject({ image_tag_mutability: "IMMUTABLE", image_scanning_configuration: { scan_on_push: true } });
    const lifecycle = JSON.parse(resources(prod, "aws_ecr_lifecycle_policy")[0].policy as string);
    expect(lifecycle.rules[1].selection).toMatchObject({ tagStatus: "tagged", tagPrefixList: ["ci-"], countType: "imageCountMoreThan", countNumber: 50 });
    const policy = JSON.parse(resources(prod, "aws_ecr_repository_policy")[0].policy as string);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["Pull", "Push"]);
    expect(policy.Statement[1].Principal.AWS).toEqual([expect.stringContaining("service-publisher")]);
  });

  test("GIVEN the buckets WHEN synthesized THEN each is versioned, encrypted, blocked from public, TLS-only, and prod logs access", () => {
    const buckets = resources(prod, "aws_s3_bucket");
    expect(buckets.map((b) => b.bucket).sort()).toEqual(
      // airflow: MWAA's DAG bucket (modules/aws/private/dag-bucket.ts), logged to the access-log bucket too
      ["access-logs", "airflow", "mlflow-artifacts", "processed", "raw", "viz"].map((p) => `mlops-prod-${p}-333333333333`).sort(),
    );
    expect(resources(prod, "aws_s3_bucket_public_access_block")).toHaveLength(6);
    expect(resources(prod, "aws_s3_bucket_logging")).toHaveLength(5);
    expect(resources(dev, "aws_s3_bucket_logging")).toHaveLength(0);
    const sse = resources(prod, "aws_s3_bucket_server_side_encryption_configuration").map((c) => (c.rule as any[])[0].apply_server_side_encryption_by_default.sse_algorithm);
    expect(sse.filter((a) => a === "aws:kms")).toHaveLength(5); // data buckets and the DAG bucket; the log bucket must use SSE-S3
    expect(resources(dev, "aws_s3_bucket_server_side_encryption_configuration").every((c) => (c.rule as any[])[0].apply_server_side_encryption_by_default.sse_algorithm === "AES256")).toBe(true);
    const lifecycle = resources(prod, "aws_s3_bucket_lifecycle_configuration").find((l) => String(l.bucket).includes("storage_raw"))!;
    expect((lifecycle.rule as any[])[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 90 }]);
  });

  test("GIVEN a service WHEN synthesized THEN its task is least privilege: read-only root, secrets by ARN, buckets its spec names", () => {
    const api = containerOf(prod, "model-api");
    expect(api).toMatchObject({ readonlyRootFilesystem: true, privileged: false });
    expect(api.secrets).toEqual([]); // it verifies tokens against the issuer's JWKS: no secret of its own
    expect(api.logConfiguration.logDriver).toBe("awslogs");
    // Every policy on the task role (the buckets, and the retrain's start-train grant: test/stacks/retrain-grants.test.ts).
    const taskPolicies = resources(prod, "aws_iam_role_policy").filter((p) => String(p.role).includes("model-api_task-role"));
    const statements = taskPolicies.flatMap((p) => JSON.parse(p.policy as string).Statement as { Action: string | string[]; Resource: string[] }[]);
    const s3 = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith("s3:")));
    expect(s3).toHaveLength(1); // mlflow-artifacts (the models), read only
    for (const s of s3) expect(s.Action).not.toContain("s3:PutObject");
    expect(JSON.stringify(s3)).not.toContain("storage_raw");
    const mlflow = containerOf(prod, "mlflow");
    // MLflow's own login (scripts/database-migrate.ts --role mlflow_app), never the RDS master secret.
    expect(mlflow.secrets).toEqual([{ name: "DB_PASSWORD", valueFrom: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.database_app-login_[0-9A-F]+\.arn\}:password::$/) }]);
    expect(mlflow.environment).toEqual(expect.arrayContaining([{ name: "DB_USER", value: "mlflow_app" }]));
    // Only day 0's migration task reads the master secret (modules/aws/database-migration-job.ts); no workload does.
    const { ["db-migrate_execution-policy_7BC35B6E"]: migration, ...workloadPolicies } = prod.resource!.aws_iam_role_policy;
    expect(JSON.stringify(migration)).toContain("master_user_secret");
    expect(JSON.stringify(workloadPolicies)).not.toContain("master_user_secret");
  });

  test("GIVEN a service WHEN synthesized THEN it runs privately with rollback and CPU autoscaling, admitting only the load balancer", () => {
    const svc = service(prod, "receiver");
    expect(svc).toMatchObject({
      capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1 }],
      deployment_circuit_breaker: { enable: true, rollback: true },
      network_configuration: { assign_public_ip: false },
      lifecycle: { ignore_changes: ["desired_count"] },
    });
    const ingress = resources(prod, "aws_vpc_security_group_ingress_rule").filter((r) => String(r.security_group_id).includes("receiver_sg"));
    expect(ingress).toEqual([expect.objectContaining({ referenced_security_group_id: expect.stringContaining("nlb_sg"), from_port: 8080 })]);
    const cpu = resources(prod, "aws_appautoscaling_policy").find((p) => String(p.name).includes("receiver"))!;
    expect(cpu.target_tracking_scaling_policy_configuration).toMatchObject({ predefined_metric_specification: { predefined_metric_type: "ECSServiceAverageCPUUtilization" } });
    expect(resources(prod, "aws_ecs_cluster")[0].setting).toEqual([{ name: "containerInsights", value: "enabled" }]);
  });

  test("GIVEN public services WHEN synthesized THEN API Gateway routes them through a VPC link, JWT-protected, admin paths need the admin scope", () => {
    const routes = resources(prod, "aws_apigatewayv2_route");
    expect(routes.map((r) => r.route_key).sort()).toEqual([
      "ANY /model/reload",
      "ANY /model/reload/{proxy+}",
      "ANY /model/retrain",
      "ANY /model/retrain/{proxy+}",
      "ANY /model/{proxy+}",
      "ANY /receiver/{proxy+}",
    ]);
    // Below an admin path is still admin: /model/retrain/x must not fall to the user route.
    expect(routes.find((r) => r.route_key === "ANY /model/retrain/{proxy+}")!.authorization_scopes).toEqual(["mlops/admin"]);
    expect(containerOf(prod, "model-api").environment).toEqual(
      expect.arrayContaining([
        { name: "AUTH_ADMIN_PATHS", value: "/retrain,/reload" },
        { name: "AUTH_ADMIN_CLAIM", value: "scope" },
        { name: "AUTH_ADMIN_VALUES", value: "mlops/admin" },
        { name: "AUTH_AUDIENCE", value: expect.stringMatching(/aws_cognito_user_pool_client\./) },
      ]),
    );
    for (const r of routes) expect(r.authorization_type).toBe("JWT");
    expect(routes.find((r) => r.route_key === "ANY /model/retrain")!.authorization_scopes).toEqual(["mlops/admin"]);
    expect(routes.find((r) => r.route_key === "ANY /model/{proxy+}")!.authorization_scopes).toEqual(["mlops/user"]);
    expect(resources(prod, "aws_apigatewayv2_integration").every((i) => i.connection_type === "VPC_LINK")).toBe(true);
    const [stage] = resources(prod, "aws_apigatewayv2_stage");
    expect(stage.access_log_settings).toEqual(expect.objectContaining({ destination_arn: expect.stringContaining("aws_cloudwatch_log_group") }));
    const [pool] = resources(prod, "aws_cognito_user_pool");
    expect(pool).toMatchObject({ mfa_configuration: "ON", admin_create_user_config: { allow_admin_create_user_only: true } });
    expect(resources(prod, "aws_cognito_user_group")[0].name).toBe("admins");
    expect(resources(dev, "aws_cognito_user_pool")[0].mfa_configuration).toBe("OPTIONAL");
  });

  test("GIVEN the transform job WHEN data lands under raw/incoming/ THEN EventBridge runs its Fargate task", () => {
    expect(resources(prod, "aws_s3_bucket_notification")).toEqual([expect.objectContaining({ eventbridge: true, bucket: expect.stringContaining("storage_raw") })]);
    const [rule] = resources(prod, "aws_cloudwatch_event_rule");
    expect(JSON.parse(rule.event_pattern as string)).toMatchObject({ "detail-type": ["Object Created"], detail: { object: { key: [{ prefix: "raw/incoming/" }] } } });
    const [target] = resources(prod, "aws_cloudwatch_event_target");
    expect(target.ecs_target).toMatchObject({ launch_type: "FARGATE", task_definition_arn: expect.stringContaining("transform_task") });
    expect(resources(prod, "aws_ecs_service").map((s) => s.name)).not.toContain("transform");
  });

  test("GIVEN monitoring WHEN synthesized THEN alerts mail the environment, each service has CPU, memory, health and 5xx alarms, and a dashboard", () => {
    expect(resources(prod, "aws_sns_topic_subscription")).toEqual([expect.objectContaining({ protocol: "email", endpoint: "mlops-oncall@example.com" })]);
    const alarms = resources(prod, "aws_cloudwatch_metric_alarm").map((a) => a.alarm_name).sort();
    for (const s of ["receiver", "mlflow", "model-api"]) {
      expect(alarms).toEqual(expect.arrayContaining([`mlops-prod-${s}-cpu`, `mlops-prod-${s}-memory`, `mlops-prod-${s}-unhealthy`]));
    }
    expect(alarms).toEqual(expect.arrayContaining(["mlops-prod-model-api-5xx-rate", "mlops-prod-receiver-5xx-rate"]));
    expect(resources(prod, "aws_cloudwatch_dashboard")).toHaveLength(1);
    expect(Object.keys(prod.output!)).toEqual(expect.arrayContaining(["url_api", "console_dashboard", "console_alerting", "console_logs_model_api", "url_model_api"]));
    expect(prod.output!.console_logs_model_api.value).toContain("log-group/$252Fmlops$252Fprod$252Fmodel-api");
  });

  test("GIVEN a promoted manifest for prod WHEN synthesized THEN prod runs that digest and dev keeps its tag", () => {
    expect(containerOf(prod, "model-api").image).toMatch(new RegExp(`\\.repository_url\\}@${DIGEST}$`));
    expect(containerOf(prod, "model-api").environment).toEqual(expect.arrayContaining([{ name: "IMAGE_VERSION", value: "2.3.0" }]));
    expect(containerOf(dev, "model-api").image).toMatch(/\.repository_url\}:0\.1\.0$/);
    expect(containerOf(prod, "receiver").image).toMatch(/:0\.1\.0$/);
  });

  test("GIVEN CI identity WHEN synthesized THEN GitHub OIDC roles trust only this repository, deploy only from its environment", () => {
    expect(resources(prod, "aws_iam_openid_connect_provider")).toEqual([expect.objectContaining({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] })]);
    const trust = (name: string) => {
      const role = resources(prod, "aws_iam_role").find((r) => r.name === `mlops-prod-${name}`)!;
      return JSON.parse(role.assume_role_policy as string).Statement[0].Condition.StringEquals;
    };
    expect(trust("infra-builder")["token.actions.githubusercontent.com:sub"]).toEqual(["repo:acme-ml/mlops-suite:environment:prod"]);
    expect(trust("service-publisher")["token.actions.githubusercontent.com:sub"]).toEqual(["repo:acme-ml/mlops-suite:ref:refs/heads/main"]);
    expect(trust("developer")["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
    // Only ci.yml's plan job (pull_request) assumes the developer: a push to main has no use for it.
    expect(trust("developer")["token.actions.githubusercontent.com:sub"]).toEqual(["repo:acme-ml/mlops-suite:pull_request"]);
  });

  test("GIVEN the developer role WHEN synthesized THEN a pull-request plan reads this stack's state object and descriptions, and no data", () => {
    const role = resources(prod, "aws_iam_role").find((r) => r.name === "mlops-prod-developer")!;
    const key = Object.entries(prod.resource!.aws_iam_role).find(([, r]) => r === role)![0];
    const mine = (type: string) => resources(prod, type).filter((r) => String(r.role).includes(`aws_iam_role.${key}.`));
    expect(mine("aws_iam_role_policy_attachment")).toEqual([]);
    const [policy] = mine("aws_iam_role_policy");
    const statements = JSON.parse(policy.policy as string).Statement as Record<string, any>[];
    const sid = (id: string) => statements.find((st) => st.Sid === id)!;
    expect(sid("StateRead")).toMatchObject({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::mlops-tfstate-333333333333/mlops/prod-aws.tfstate" });
    expect(sid("DenyDataObjects")).toMatchObject({ Effect: "Deny", NotResource: ["arn:aws:s3:::mlops-tfstate-333333333333/mlops/prod-aws.tfstate"] });
    expect(sid("DenyDataReads").Action).toEqual(expect.arrayContaining(["secretsmanager:GetSecretValue", "ecr:BatchGetImage", "logs:GetLogEvents"]));
    expect(statements.filter((st) => st.Effect === "Allow").flatMap((st) => [st.Action].flat())).not.toContain("kms:Decrypt");
    // The repositories let their task pull; the developer is not among the pullers.
    for (const p of resources(prod, "aws_ecr_repository_policy")) expect(p.policy).not.toContain("developer");
  });

  test("GIVEN the whole project WHEN the AWS pack runs THEN no AWS stack has a policy error", () => {
    expect(built.report.errors(built.app).filter((f) => f.path.includes("-aws/"))).toEqual([]);
  });
});

describe("AWS platform stack with flow logs turned off", () => {
  test("GIVEN clouds.aws.network.flowLogs false WHEN synthesized THEN the VPC has no flow log and the suppression says why", () => {
    const { validateEnvironments } = require("../../environments") as typeof import("../../environments");
    const { SERVICE_CATALOG } = require("../../services/catalog") as typeof import("../../services/catalog");
    const { buildPlatformApp } = require("../../stacks/platform-app") as typeof import("../../stacks/platform-app");
    const devInput = (require("../../environments/dev") as { default: Record<string, any> }).default;
    const data = JSON.parse(JSON.stringify(devInput));
    data.clouds = { aws: { ...data.clouds.aws, network: { ...data.clouds.aws.network, flowLogs: false } } };
    const environments = validateEnvironments([{ file: "environments/dev.ts", name: "dev", data }]);
    const os = require("os") as typeof import("os");
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "noflow-"));
    const built = buildPlatformApp({ outdir: out, environments, catalog: SERVICE_CATALOG, deploymentsDir: out });
    built.app.synth();
    expect(built.report.errors(built.app)).toEqual([]);
    expect(built.report.suppressions("dev-aws").filter((s) => s.source === "construct")).toEqual([
      expect.objectContaining({ ruleId: "MLOPS-AWS-VPC-FLOW-LOGS", reason: "flow logs turned off in the dev environment config (clouds.aws.network.flowLogs)", matched: ["dev-aws/network/vpc"] }),
    ]);
  });
});
