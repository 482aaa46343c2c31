/**
 * The AWS network: a VPC across the configured zones with a public and a private subnet per zone,
 * an internet gateway, NAT (one, or one per zone), route tables, VPC flow logs to CloudWatch with
 * retention, and an S3 gateway endpoint so bucket traffic skips NAT.
 *
 * Zones come from config: nothing here calls an AWS API at plan time. It deliberately creates no
 * database or intra subnet tier (the database uses the private subnets) and no interface endpoints.
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { formatCidr, parseCidr, subnetOf } from "../core/cidr";
import { PlatformNetwork } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { serviceTrustPolicy } from "./private/iam";

export interface NetworkProps {
  readonly naming: Naming;
  readonly region: string;
  /** Scopes the flow-log role's trust to this account. @default - any account's flow logs service */
  readonly accountId?: string;
  /** VPC block, /16 to /22; each subnet gets 1/16 of it. */
  readonly cidr: string;
  /** Availability zones, at least two. */
  readonly zones: readonly string[];
  /** `single` saves money (dev); `per-zone` survives a zone outage. @default "per-zone" */
  readonly natMode?: "single" | "per-zone";
  /** VPC flow logs of all traffic (terraform-aws-vpc leaves them off; we do not). @default true */
  readonly enableFlowLogs?: boolean;
  /** Days to keep flow logs. @default 365 */
  readonly flowLogRetentionDays?: number;
  /** KMS key for the flow log group. @default - CloudWatch's own encryption */
  readonly flowLogKmsKeyArn?: string;
}

/** VPC, subnets, gateways, routes, flow logs and the S3 endpoint. */
export class Network extends Construct implements PlatformNetwork {
  readonly vpc: Vpc;
  readonly networkId: string;
  readonly cidr: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly privateRouteTableIds: string[];
  readonly natGatewayCount: number;
  /** Flow log group name, or undefined when flow logs are off. */
  readonly flowLogGroupName?: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const natMode = props.natMode ?? "per-zone";
    const enableFlowLogs = props.enableFlowLogs ?? true;
    const retention = props.flowLogRetentionDays ?? 365;
    const block = parseCidr(props.cidr);
    if (!block || block.prefix < 16 || block.prefix > 22) {
      throw new ValidationError(`cidr must be an IPv4 block from /16 to /22; got ${JSON.stringify(props.cidr)}`, this);
    }
    if (props.zones.length < 2 || props.zones.length > 6) {
      throw new ValidationError(`zones must list 2 to 6 availability zones; got ${props.zones.length}`, this);
    }
    const n = props.naming;
    this.cidr = props.cidr;

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: n.name("vpc") },
    });
    this.networkId = this.vpc.id;
    // The default security group allows all traffic between its members: take it over with no rules.
    new DefaultSecurityGroup(this, "default-sg", { vpcId: this.vpc.id, tags: { Name: n.name("default-closed") } });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: n.name("igw") } });
    const publicRt = new RouteTable(this, "public-rt", { vpcId: this.vpc.id, tags: { Name: n.name("public") } });
    new Route(this, "public-default", { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });

    const publicSubnets = props.zones.map(
      (zone, i) =>
        new Subnet(this, `public-${zone}`, {
          vpcId: this.vpc.id,
          availabilityZone: zone,
          cidrBlock: formatCidr(subnetOf(block, 4, i)),
          mapPublicIpOnLaunch: false,
          tags: { Name: n.name("public", zone), tier: "public" },
        }),
    );
    publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-assoc-${props.zones[i]}`, { subnetId: s.id, routeTableId: publicRt.id }));

    const natZones = natMode === "single" ? [props.zones[0]] : [...props.zones];
    const nats = natZones.map((zone) => {
      const eip = new Eip(this, `nat-eip-${zone}`, { domain: "vpc", tags: { Name: n.name("nat", zone) } });
      return new NatGateway(this, `nat-${zone}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[props.zones.indexOf(zone)].id,
        tags: { Name: n.name("nat", zone) },
        dependsOn: [igw],
      });
    });
    this.natGatewayCount = nats.length;

    const privateRts: RouteTable[] = [];
    const privateSubnets = props.zones.map((zone, i) => {
      const subnet = new Subnet(this, `private-${zone}`, {
        vpcId: this.vpc.id,
        availabilityZone: zone,
        cidrBlock: formatCidr(subnetOf(block, 4, 8 + i)),
        mapPublicIpOnLaunch: false,
        tags: { Name: n.name("private", zone), tier: "private" },
      });
      const rt = new RouteTable(this, `private-rt-${zone}`, { vpcId: this.vpc.id, tags: { Name: n.name("private", zone) } });
      const nat = natMode === "single" ? nats[0] : nats[i];
      new Route(this, `private-default-${zone}`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
      new RouteTableAssociation(this, `private-assoc-${zone}`, { subnetId: subnet.id, routeTableId: rt.id });
      privateRts.push(rt);
      return subnet;
    });
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.privateRouteTableIds = privateRts.map((r) => r.id);

    new VpcEndpoint(this, "s3-endpoint", {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: [...this.privateRouteTableIds, publicRt.id],
      tags: { Name: n.name("s3") },
    });

    if (enableFlowLogs) {
      const group = new CloudwatchLogGroup(this, "flow-logs", {
        name: `/mlops/${n.env}/vpc-flow-logs`,
        retentionInDays: retention,
        kmsKeyId: props.flowLogKmsKeyArn,
      });
      const role = new IamRole(this, "flow-logs-role", {
        name: n.bounded(64, "vpc-flow-logs"),
        assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com", props.accountId),
      });
      new IamRolePolicy(this, "flow-logs-policy", {
        role: role.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              Resource: [group.arn, `${group.arn}:*`],
            },
            // AWS's documented flow-log role policy includes it; it takes no single-group ARN, so all groups of this account and region.
            {
              Effect: "Allow",
              Action: "logs:DescribeLogGroups",
              Resource: `arn:aws:logs:${props.region}:${props.accountId ?? "*"}:log-group:*`,
            },
          ],
        }),
      });
      new FlowLog(this, "flow-log", {
        vpcId: this.vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: group.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
      });
      this.flowLogGroupName = group.name;
    }
  }
}
