/** AWS cluster: one Fargate-only cluster with Container Insights; Spot as the default strategy only when asked. */
import { ContainerCluster } from "../../../modules/aws/container-cluster";
import { resources, StackJson, synthStack } from "../../support/synth";
import { AWS_NAMING, awsTestStack } from "./aws-test-stack";

describe("AWS ContainerCluster", () => {
  const built: Record<"onDemand" | "spot", StackJson> = {} as Record<"onDemand" | "spot", StackJson>;
  beforeAll(() => {
    for (const [k, spotCapacity] of [["onDemand", false], ["spot", true]] as const) {
      const stack = awsTestStack();
      new ContainerCluster(stack, "cluster", { naming: AWS_NAMING, spotCapacity });
      built[k] = synthStack(stack);
    }
  });

  test("GIVEN any cluster WHEN synthesized THEN it is named <prefix>-<env> with Container Insights enabled", () => {
    expect(resources(built.onDemand, "aws_ecs_cluster")).toEqual([expect.objectContaining({ name: "mlops-test", setting: [{ name: "containerInsights", value: "enabled" }] })]);
  });

  test.each([["onDemand", "FARGATE"], ["spot", "FARGATE_SPOT"]] as const)("GIVEN %s capacity THEN both Fargate providers exist and the default strategy is %s", (k, provider) => {
    const capacity = resources(built[k], "aws_ecs_cluster_capacity_providers")[0];
    expect(capacity.capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
    expect(capacity.default_capacity_provider_strategy).toEqual([{ capacity_provider: provider, weight: 1, base: 0 }]);
  });
});
