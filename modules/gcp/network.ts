/**
 * The Google Cloud network: a custom-mode VPC (no auto subnets) with one regional subnet holding
 * the workloads (Cloud Run Direct VPC egress takes its addresses there), Private Google Access and
 * flow logs on that subnet, a Cloud Router with Cloud NAT so egress leaves through known NAT
 * addresses, and private services access (a reserved peering range + the Service Networking
 * connection) so Cloud SQL gets a private IP only.
 *
 * Address plan from the configured block (/16 to /22): the first half is the workload subnet, the
 * third quarter is the private-services range (at least /24, what Cloud SQL needs), the last
 * quarter is left free for growth. Google has no public subnets: `publicSubnetIds` is empty.
 *
 * Firewall: one explicit, logged deny-all ingress rule (Checkov CKV2_GCP_18), the same as Google's
 * implied rule but visible, logged and guarded by policy: nothing here needs inbound VPC traffic
 * (Cloud Run is reached through Google's front end, Cloud SQL through the peering). Egress stays
 * open (Direct VPC egress and Cloud NAT need it); callers are limited by Cloud Run IAM instead. No Serverless VPC Access connector either: Direct VPC egress
 * is cheaper (no connector VMs) and scales with the service.
 */
import { Construct } from "constructs";
import { ComputeFirewall } from "@cdktf/provider-google/lib/compute-firewall";
import { ComputeGlobalAddress } from "@cdktf/provider-google/lib/compute-global-address";
import { ComputeNetwork } from "@cdktf/provider-google/lib/compute-network";
import { ComputeRouter } from "@cdktf/provider-google/lib/compute-router";
import { ComputeRouterNat } from "@cdktf/provider-google/lib/compute-router-nat";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { ServiceNetworkingConnection } from "@cdktf/provider-google/lib/service-networking-connection";
import { formatCidr, parseCidr, subnetOf } from "../core/cidr";
import { PlatformNetwork } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";

export interface NetworkProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  /** VPC block, /16 to /22. */
  readonly cidr: string;
  /** VPC flow logs on the workload subnet. @default true */
  readonly enableFlowLogs?: boolean;
  /** Share of flows sampled, 0 < x <= 1 (prod 1.0 for forensics, dev less to save log cost). @default 0.5 */
  readonly flowLogSampling?: number;
  /** Log Cloud NAT translations that failed (port exhaustion shows up here). @default true */
  readonly enableNatErrorLogs?: boolean;
}

/** VPC, workload subnet, router + NAT, private services access. */
export class Network extends Construct implements PlatformNetwork {
  readonly vpc: ComputeNetwork;
  readonly subnet: ComputeSubnetwork;
  readonly networkId: string;
  readonly cidr: string;
  readonly publicSubnetIds: string[] = [];
  readonly privateSubnetIds: string[];
  /** The logged default-deny ingress rule. */
  readonly denyIngress: ComputeFirewall;
  /** The Service Networking peering; Cloud SQL instances must depend on it. */
  readonly privateServicesConnection: ServiceNetworkingConnection;
  /** The range reserved for Google-managed services (Cloud SQL), like 10.12.128.0/18. */
  readonly privateServicesRange: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const enableFlowLogs = props.enableFlowLogs ?? true;
    const sampling = props.flowLogSampling ?? 0.5;
    const natErrorLogs = props.enableNatErrorLogs ?? true;
    const block = parseCidr(props.cidr);
    if (!block || block.prefix < 16 || block.prefix > 22) {
      throw new ValidationError(`cidr must be an IPv4 block from /16 to /22; got ${JSON.stringify(props.cidr)}`, this);
    }
    if (!(sampling > 0 && sampling <= 1)) {
      throw new ValidationError(`flowLogSampling must be greater than 0 and at most 1; got ${sampling}`, this);
    }
    const n = props.naming;
    this.cidr = props.cidr;

    this.vpc = new ComputeNetwork(this, "vpc", {
      name: n.bounded(63, "vpc"),
      project: props.projectId,
      autoCreateSubnetworks: false,
      routingMode: "REGIONAL",
    });
    this.networkId = this.vpc.id;
    // resource_compute_firewall.go (v6.50.0): allow/deny ExactlyOneOf; INGRESS without sources is read as
    // 0.0.0.0/0 (CustomizeDiff), so the range is explicit. Priority 65534 leaves room for explicit allows above.
    this.denyIngress = new ComputeFirewall(this, "deny-all-ingress", {
      name: n.bounded(63, "deny-all-ingress"),
      project: props.projectId,
      network: this.vpc.id,
      description: "Default deny: nothing in the platform takes inbound VPC traffic",
      direction: "INGRESS",
      priority: 65534,
      deny: [{ protocol: "all" }],
      sourceRanges: ["0.0.0.0/0"],
      logConfig: { metadata: "INCLUDE_ALL_METADATA" },
    });

    const workload = formatCidr(subnetOf(block, 1, 0));
    this.subnet = new ComputeSubnetwork(this, "subnet", {
      name: n.bounded(63, "workloads", props.region),
      project: props.projectId,
      region: props.region,
      network: this.vpc.id,
      ipCidrRange: workload,
      privateIpGoogleAccess: true,
      stackType: "IPV4_ONLY",
      logConfig: enableFlowLogs
        ? { aggregationInterval: "INTERVAL_5_SEC", flowSampling: sampling, metadata: "INCLUDE_ALL_METADATA" }
        : undefined,
    });
    this.privateSubnetIds = [this.subnet.id];

    const router = new ComputeRouter(this, "router", {
      name: n.bounded(63, "router", props.region),
      project: props.projectId,
      region: props.region,
      network: this.vpc.id,
    });
    new ComputeRouterNat(this, "nat", {
      name: n.bounded(63, "nat", props.region),
      project: props.projectId,
      region: props.region,
      router: router.name,
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
      enableEndpointIndependentMapping: false,
      logConfig: { enable: natErrorLogs, filter: "ERRORS_ONLY" },
    });

    const psa = subnetOf(block, 2, 2);
    this.privateServicesRange = formatCidr(psa);
    const range = new ComputeGlobalAddress(this, "private-services-range", {
      name: n.bounded(63, "private-services"),
      project: props.projectId,
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: this.privateServicesRange.split("/")[0],
      prefixLength: psa.prefix,
      network: this.vpc.id,
    });
    this.privateServicesConnection = new ServiceNetworkingConnection(this, "private-services", {
      network: this.vpc.id,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [range.name],
      // Abandon on destroy: deleting the peering fails while Cloud SQL still holds addresses in it.
      deletionPolicy: "ABANDON",
    });
  }
}
