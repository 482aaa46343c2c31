/**
 * Issue 15's ordering tests on the synthesized AWS JSON: a resource is created after (and destroyed
 * before) everything it reaches through `${type.name…}` references and `depends_on`, walked
 * transitively. Plus issue 16 item 4's network: who may reach whom inside the VPC.
 */
import { sharedSynth } from "../support/shared-synth";
import { resources, StackJson } from "../support/stack-json";

const built = sharedSynth();

type Graph = Map<string, Set<string>>;

/** Address -> addresses it references or depends on, directly. */
function graphOf(json: StackJson): Graph {
  const graph: Graph = new Map();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, attrs] of Object.entries(byName)) {
      const edges = new Set<string>();
      for (const m of JSON.stringify(attrs).matchAll(/\$\{(?:[^}]*?[^a-z_])?((?:aws|data\.aws)_[a-z0-9_]+\.[A-Za-z0-9_-]+)/g)) edges.add(m[1]);
      for (const d of (attrs.depends_on as string[] | undefined) ?? []) edges.add(d);
      graph.set(`${type}.${name}`, edges);
    }
  }
  return graph;
}

/** Everything `from` waits for. */
function after(graph: Graph, from: string): Set<string> {
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length > 0) {
    for (const next of graph.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

const addressesOf = (json: StackJson, type: string, pathPart = "") =>
  Object.entries(json.resource?.[type] ?? {})
    .filter(([name, attrs]) => name.includes(pathPart) || String((attrs["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? "").includes(pathPart))
    .map(([name]) => `${type}.${name}`);

describe.each(["dev-aws", "prod-aws"])("%s ordering", (stack) => {
  const json = built.json(stack);
  const graph = graphOf(json);

  test("GIVEN every ECS service THEN it is created after, and destroyed before, the cluster's capacity providers", () => {
    const [capacity] = addressesOf(json, "aws_ecs_cluster_capacity_providers");
    const services = addressesOf(json, "aws_ecs_service");
    expect(services.length).toBeGreaterThan(0);
    for (const s of services) expect(after(graph, s).has(capacity)).toBe(true);
  });

  test("GIVEN MLflow's service THEN it waits for its database, its login secret, its grants and its database network rule", () => {
    const [mlflow] = addressesOf(json, "aws_ecs_service", "mlflow_service");
    const deps = after(graph, mlflow);
    const expected = [
      ...addressesOf(json, "aws_db_instance"),
      ...addressesOf(json, "aws_secretsmanager_secret", "database_app-login"),
      ...addressesOf(json, "aws_iam_role_policy", "mlflow_execution-policy"),
      ...addressesOf(json, "aws_iam_role_policy", "mlflow_task-policy"),
      ...addressesOf(json, "aws_vpc_security_group_ingress_rule", "database_from-mlflow"),
    ];
    expect(expected.length).toBeGreaterThanOrEqual(4);
    for (const e of expected) expect([e, deps.has(e)]).toEqual([e, true]);
  });

  test("GIVEN every public service THEN it waits for its roles' grants", () => {
    for (const name of ["model-api", "receiver"]) {
      const [svc] = addressesOf(json, "aws_ecs_service", `${name}_service`);
      const deps = after(graph, svc);
      const grants = addressesOf(json, "aws_iam_role_policy", `${name}_execution-policy`);
      expect(grants.length).toBeGreaterThan(0);
      for (const p of grants) expect(deps.has(p)).toBe(true);
    }
  });

  test("GIVEN every ECS service THEN it waits for each Secrets Manager secret its task definition reads", () => {
    // No catalog workload has a secret of its own anymore (the model-api signing key was removed); MLflow reads its login.
    let read = 0;
    for (const svc of addressesOf(json, "aws_ecs_service")) {
      const [, name] = svc.split(".");
      const [task] = addressesOf(json, "aws_ecs_task_definition", name.replace(/_service_.*$/, "_task"));
      const attrs = json.resource!.aws_ecs_task_definition[task.split(".")[1]];
      const secrets = [...String(attrs.container_definitions).matchAll(/aws_secretsmanager_secret\.([A-Za-z0-9_-]+)\.arn/g)].map((m) => `aws_secretsmanager_secret.${m[1]}`);
      read += secrets.length;
      for (const secret of secrets) expect([svc, secret, after(graph, svc).has(secret)]).toEqual([svc, secret, true]);
    }
    expect(read).toBeGreaterThan(0);
    expect(addressesOf(json, "aws_secretsmanager_secret")).toEqual(addressesOf(json, "aws_secretsmanager_secret", "database_app-login"));
  });
});

describe("prod-aws ordering with access logging", () => {
  const json = built.json("prod-aws");
  const graph = graphOf(json);

  test("GIVEN each bucket's access logging THEN it is enabled after the log bucket's policy grants logging.s3", () => {
    const [logPolicy] = addressesOf(json, "aws_s3_bucket_policy", "access-logs-policy");
    const logging = addressesOf(json, "aws_s3_bucket_logging");
    // Every bucket but the log bucket itself: the storage buckets and Airflow's DAG bucket.
    const logged = addressesOf(json, "aws_s3_bucket").filter((b) => !b.includes("access-logs"));
    expect(logged.some((b) => b.includes("airflow_dags"))).toBe(true);
    expect(logging).toHaveLength(logged.length);
    for (const l of logging) expect(after(graph, l).has(logPolicy)).toBe(true);
  });
});

describe.each(["dev-aws", "prod-aws"])("%s network: who reaches whom (issue 16 item 4)", (stack) => {
  const json = built.json(stack);
  const sgOf = (part: string) => addressesOf(json, "aws_security_group", part)[0];
  const ingress = resources(json, "aws_vpc_security_group_ingress_rule");
  const egress = resources(json, "aws_vpc_security_group_egress_rule");
  const ref = (sg: string) => `\${${sg}.id}`;

  test("GIVEN the NLB THEN public ports admit only the VPC link's group and MLflow's port only its contract clients; no CIDR", () => {
    const nlbIn = ingress.filter((r) => r.security_group_id === ref(sgOf("nlb_sg")));
    expect(nlbIn.every((r) => r.cidr_ipv4 === undefined)).toBe(true);
    const callers = (port: number) => nlbIn.filter((r) => r.from_port === port).map((r) => r.referenced_security_group_id).sort();
    expect(callers(8000)).toEqual([ref(sgOf("api_vpc-link-sg"))]);
    expect(callers(8080)).toEqual([ref(sgOf("api_vpc-link-sg"))]);
    // modules/core/container-contract.ts gives MLFLOW_TRACKING_URI to train only (the model API reads models from the bucket).
    expect(callers(5000)).toEqual([ref(sgOf("train_sg"))]);
  });

  test("GIVEN every task THEN it reaches the VPC only on named ports of named groups (no VPC-wide TCP)", () => {
    for (const name of ["receiver", "mlflow", "train", "model-api", "transform"]) {
      const mine = egress.filter((r) => r.security_group_id === ref(sgOf(`${name}_sg`)));
      expect(mine.filter((r) => r.cidr_ipv4 !== undefined).map((r) => [r.cidr_ipv4, r.from_port, r.to_port])).toEqual([["0.0.0.0/0", 443, 443]]);
      const inside = mine.filter((r) => r.referenced_security_group_id !== undefined).map((r) => `${r.from_port}`);
      expect(inside).toEqual(name === "mlflow" ? ["5432"] : name === "train" ? ["5000"] : []);
    }
  });
});
