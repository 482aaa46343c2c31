/**
 * The internal Network Load Balancer in front of every service: one TCP listener and one IP
 * target group (HTTP health check on the spec's path) per service. Internal only: API Gateway's
 * VPC link reaches it for public services, other services reach internal ones through it.
 * Its security group is the caller filter: each listener port admits only the security groups
 * `admit` names (the VPC link for public services, MLflow's named clients for MLflow), never a CIDR.
 * Target groups are `ip` type without client IP preservation (the default for TCP + ip targets), so
 * the services see the NLB's address and admit the NLB's security group only: keep it that way.
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
import { lookup } from "../core/errors";

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
  /** The NLB's security group (callers' egress names it). */
  readonly loadBalancerSecurityGroupId: string;
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
      description: "Internal NLB: the API Gateway VPC link and named internal callers",
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
    const target = { listener, targetGroup, port, loadBalancerSecurityGroupId: this.securityGroup.id };
    this.targets[service] = target;
    return target;
  }

  /**
   * Lets these callers (name -> security group id) reach `service`'s listener, and the NLB reach the
   * service's tasks (`targetSecurityGroupId`) on its port. A service no one is admitted to is unreachable.
   */
  admit(service: string, targetSecurityGroupId: string, callers: Readonly<Record<string, string>>): void {
    const target = lookup(this, "load balancer target", this.targets, service);
    for (const [caller, groupId] of Object.entries(callers)) {
      new VpcSecurityGroupIngressRule(this, `${service}-from-${caller}`, {
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: groupId,
        ipProtocol: "tcp",
        fromPort: target.port,
        toPort: target.port,
        description: `${service} from ${caller}`,
      });
    }
    new VpcSecurityGroupEgressRule(this, `${service}-out`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: targetSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: target.port,
      toPort: target.port,
      description: `${service} targets`,
    });
  }
}
