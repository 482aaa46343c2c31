/**
 * The internal Network Load Balancer in front of every service: one TCP listener and one IP
 * target group (HTTP health check on the spec's path) per service. Internal only: API Gateway's
 * VPC link reaches it for public services, other services reach internal ones through it.
 * Its security group admits the VPC's own range on the listener ports, never 0.0.0.0/0.
 * NLB access logs exist only for TLS listeners, so there are none here; flow logs cover it.
 */
import { Construct } from "constructs";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Naming } from "../core/naming";

export interface LoadBalancerProps {
  readonly naming: Naming;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: readonly string[];
  /** @default false */
  readonly deletionProtection?: boolean;
}

/** A service's door in the load balancer. */
export interface LoadBalancerTarget {
  readonly listener: LbListener;
  readonly targetGroup: LbTargetGroup;
  readonly port: number;
}

/** One internal NLB; call `addTarget` per service. */
export class LoadBalancer extends Construct {
  readonly nlb: Lb;
  readonly securityGroup: SecurityGroup;
  readonly targets: Record<string, LoadBalancerTarget> = {};
  private readonly props: LoadBalancerProps;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    this.props = props;
    const n = props.naming;
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: n.name("nlb"),
      description: "Internal NLB: VPC-internal callers and the API Gateway VPC link",
      vpcId: props.vpcId,
      tags: { Name: n.name("nlb") },
    });
    this.nlb = new Lb(this, "nlb", {
      name: n.bounded(32, "nlb"),
      loadBalancerType: "network",
      internal: true,
      subnets: [...props.subnetIds],
      securityGroups: [this.securityGroup.id],
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: props.deletionProtection ?? false,
    });
  }

  /** Adds a listener and target group for a service. */
  addTarget(service: string, port: number, healthPath: string): LoadBalancerTarget {
    const n = this.props.naming;
    const targetGroup = new LbTargetGroup(this, `${service}-tg`, {
      name: n.bounded(32, service),
      port,
      protocol: "TCP",
      targetType: "ip",
      vpcId: this.props.vpcId,
      deregistrationDelay: "30",
      healthCheck: { enabled: true, protocol: "HTTP", path: healthPath, port: "traffic-port", healthyThreshold: 3, unhealthyThreshold: 3, interval: 15 },
    });
    const listener = new LbListener(this, `${service}-listener`, {
      loadBalancerArn: this.nlb.arn,
      port,
      protocol: "TCP",
      defaultAction: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    });
    new VpcSecurityGroupIngressRule(this, `${service}-in`, {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: this.props.vpcCidr,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${service} from inside the VPC`,
    });
    new VpcSecurityGroupEgressRule(this, `${service}-out`, {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: this.props.vpcCidr,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${service} targets`,
    });
    const target = { listener, targetGroup, port };
    this.targets[service] = target;
    return target;
  }
}
