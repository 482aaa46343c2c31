import { Testing, TerraformStack } from "cdktf";
import { outputKey, platformOutputs, PlatformOutputsProps } from "../../../modules/core/outputs";
import { synthStack } from "../../support/synth";

describe("platformOutputs", () => {
  test.each([
    ["model-api", "model_api"],
    ["mlflow-artifacts", "mlflow_artifacts"],
    ["ECS cluster", "ecs_cluster"],
    ["App model-api", "app_model_api"],
  ])("GIVEN %s THEN the output key is %s", (name, key) => expect(outputKey(name)).toBe(key));

  const props = (over: Partial<PlatformOutputsProps> = {}): PlatformOutputsProps => ({
    console: "Test console",
    network: { networkId: "net-1", cidr: "10.0.0.0/16", publicSubnetIds: [], privateSubnetIds: [] },
    registry: { repositoryUrl: (s) => `registry/${s}` },
    services: ["model-api"],
    storage: { bucketName: (p) => `b-${p}` },
    workloads: [
      { name: "model-api", kind: "service", publicUrl: "https://api" },
      { name: "train", kind: "job" },
    ],
    ci: { loginIds: { publisher: "p", builder: "b", developer: "d" } },
    database: { endpoint: "db.internal", databaseName: "mlflow", port: 5432 },
    monitoring: { links: [{ label: "Uptime checks", url: "https://uptime" }] },
    consoleLinks: {
      dashboard: "https://dash",
      alerting: "https://alerts",
      network: "https://net",
      runtime: "https://run",
      registry: "https://reg",
      storage: "https://store",
      database: "https://db",
      logs: { "model-api": "https://logs/model-api", train: "https://logs/train" },
    },
    links: [{ label: "Resource group", url: "https://rg" }],
    extra: [{ key: "user_pool_id", value: "pool", description: "pool" }],
    ...over,
  });
  const outputsOf = (stack: TerraformStack) => Object.fromEntries(Object.entries(synthStack(stack).output ?? {}).map(([k, v]) => [k, v.value]));

  test("GIVEN one cloud's modules THEN every shared name comes out beside the cloud's extras, and the links list the shared pages first", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const links = platformOutputs(stack, props());
    expect(outputsOf(stack)).toEqual({
      network_id: "net-1",
      registry_model_api: "registry/model-api",
      bucket_raw: "b-raw",
      bucket_processed: "b-processed",
      bucket_viz: "b-viz",
      bucket_mlflow_artifacts: "b-mlflow-artifacts",
      url_model_api: "https://api",
      ci_publisher: "p",
      ci_builder: "b",
      ci_developer: "d",
      database_endpoint: "db.internal",
      console_dashboard: "https://dash",
      console_alerting: "https://alerts",
      console_network: "https://net",
      console_runtime: "https://run",
      console_registry: "https://reg",
      console_storage: "https://store",
      console_database: "https://db",
      console_logs_model_api: "https://logs/model-api",
      console_logs_train: "https://logs/train",
      user_pool_id: "pool",
      console_uptime_checks: "https://uptime",
      console_resource_group: "https://rg",
    });
    expect(links.map((l) => l.label)).toEqual(["Dashboard", "Alerting", "Network", "Runtime", "Registry", "Storage", "Database", "model-api logs", "train logs", "Uptime checks", "Resource group"]);
  });

  test("GIVEN no database THEN neither database_endpoint nor console_database is written", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    platformOutputs(stack, props({ database: undefined, consoleLinks: { ...props().consoleLinks, database: undefined } }));
    expect(Object.keys(outputsOf(stack)).filter((k) => k.includes("database"))).toEqual([]);
  });

  test("GIVEN a workload without a logs link THEN it fails naming consoleLinks.logs and the workloads", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    expect(() => platformOutputs(stack, props({ consoleLinks: { ...props().consoleLinks, logs: { "model-api": "https://logs/model-api" } } }))).toThrow(
      "consoleLinks.logs: expected one link per workload (model-api, train), found model-api",
    );
  });

  test("GIVEN a database link but no database THEN it fails naming consoleLinks.database", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    expect(() => platformOutputs(stack, props({ database: undefined }))).toThrow(/consoleLinks\.database: expected a link exactly when the stack has a database \(it has none\), found a link/);
  });

  test.each([
    ["an extra output", { extra: [{ key: "console_network", value: "x", description: "x" }] }, "console_network"],
    ["a cloud's own console link", { links: [{ label: "Dashboard", url: "https://other" }] }, "console_dashboard"],
  ])("GIVEN %s under a shared name THEN it fails naming the output", (_what, over, key) => {
    const stack = new TerraformStack(Testing.app(), "t");
    expect(() => platformOutputs(stack, props(over))).toThrow(`output ${key}: a cloud's own output or console link may not take a name of the shared vocabulary`);
  });
});
