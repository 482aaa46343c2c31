import { Testing, TerraformStack } from "cdktf";
import { outputKey, platformOutputs } from "../../../modules/core/outputs";
import { synthStack } from "../../support/synth";

describe("platformOutputs", () => {
  test.each([
    ["model-api", "model_api"],
    ["mlflow-artifacts", "mlflow_artifacts"],
    ["ECS cluster", "ecs_cluster"],
    ["App model-api", "app_model_api"],
  ])("GIVEN %s THEN the output key is %s", (name, key) => expect(outputKey(name)).toBe(key));

  test("GIVEN one cloud's modules THEN the shared vocabulary comes out, extras after it, console links last", () => {
    const stack = new TerraformStack(Testing.app(), "t");
    const links = platformOutputs(stack, {
      console: "Test console",
      network: { networkId: "net-1", cidr: "10.0.0.0/16", publicSubnetIds: [], privateSubnetIds: [] },
      registry: { repositoryUrl: (s) => `registry/${s}` },
      services: ["model-api"],
      storage: { bucketName: (p) => `b-${p}` },
      workloads: [
        { name: "model-api", kind: "service", publicUrl: "https://api" },
        { name: "mlflow", kind: "service" },
      ],
      ci: { loginIds: { publisher: "p", builder: "b", developer: "d" } },
      monitoring: { links: [{ label: "Dashboard", url: "https://dash" }] },
      links: [{ label: "VPC", url: "https://vpc" }],
      extra: [{ key: "user_pool_id", value: "pool", description: "pool" }],
    });
    const out = Object.fromEntries(Object.entries(synthStack(stack).output ?? {}).map(([k, v]) => [k, v.value]));
    expect(out).toEqual({
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
      user_pool_id: "pool",
      console_dashboard: "https://dash",
      console_vpc: "https://vpc",
    });
    expect(links.map((l) => l.label)).toEqual(["Dashboard", "VPC"]);
  });
});
