/** The ECS cluster every workload of an environment runs in: Fargate only, Container Insights on (cdk-nag ECS4). */
import { Construct } from "constructs";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Naming } from "../core/naming";

export interface ContainerClusterProps {
  readonly naming: Naming;
  /** Run services on Fargate Spot where they can (dev). @default false */
  readonly spotCapacity?: boolean;
}

/** One cluster, named `<prefix>-<env>`. */
export class ContainerCluster extends Construct {
  readonly cluster: EcsCluster;
  /**
   * The cluster's capacity-provider association. Every service depends on it: created after it,
   * destroyed before it (else destroy fails with "The specified capacity provider is in use").
   */
  readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: ContainerClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, "cluster", {
      name: props.naming.name(),
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
    this.capacityProviders = new EcsClusterCapacityProviders(this, "capacity", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: props.spotCapacity ? "FARGATE_SPOT" : "FARGATE", weight: 1, base: 0 }],
    });
  }
}
