/**
 * The Azure network of one environment: a VNet with three subnets carved from the configured block
 * (Container Apps infrastructure, delegated to Microsoft.App/environments, a /23; private endpoints,
 * a /24; the PostgreSQL Flexible Server, delegated to Microsoft.DBforPostgreSQL/flexibleServers, a /24),
 * one NSG per subnet with explicit rules, and private DNS zones linked to the VNet on demand
 * (`privateDnsZoneId`), so private endpoints and the database resolve inside the network.
 *
 * No inbound Internet rule on the apps subnet: the Container Apps environment uses workload profiles, and an
 * external one receives public traffic through a public IP in its managed resource group, not through this
 * subnet, so an NSG rule here neither opens nor restricts it (Microsoft Learn, "Securing a custom VNET in
 * Azure Container Apps with NSGs": locking down inbound traffic via NSG on an external workload profiles
 * environment isn't supported). Callers of public apps are restricted per app instead
 * (`clouds.azure.ingressAllowedRanges` -> ingress `ip_security_restriction`, container-app-service.ts).
 *
 * Deliberately not created: NAT gateway (Container Apps egress goes through the environment's own
 * load balancer), VNet flow logs (they need the subscription's regional Network Watcher, which Azure
 * creates outside this stack), peering, and a firewall.
 */
import { Construct } from "constructs";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { PrivateDnsZone } from "@cdktf/provider-azurerm/lib/private-dns-zone";
import { PrivateDnsZoneVirtualNetworkLink } from "@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { formatCidr, parseCidr, subnetOf } from "../core/cidr";
import { PlatformNetwork } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";

export interface NetworkProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** VNet block, /16 to /22: the apps subnet takes a /23, endpoints and database a /24 each. */
  readonly cidr: string;
}

type SubnetTier = "apps" | "endpoints" | "database";

/** VNet, subnets, NSGs and private DNS zones. */
export class Network extends Construct implements PlatformNetwork {
  readonly vnet: VirtualNetwork;
  readonly networkId: string;
  readonly cidr: string;
  /** Azure has no public subnets here: inbound Internet traffic reaches only the Container Apps ingress. */
  readonly publicSubnetIds: string[] = [];
  readonly privateSubnetIds: string[];
  readonly appsSubnet: Subnet;
  readonly endpointsSubnet: Subnet;
  readonly databaseSubnet: Subnet;
  readonly subnetCidrs: Readonly<Record<SubnetTier, string>>;
  private readonly zones = new Map<string, { zone: PrivateDnsZone; link: PrivateDnsZoneVirtualNetworkLink }>();
  private readonly rg: string;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const block = parseCidr(props.cidr);
    if (!block || block.prefix < 16 || block.prefix > 22) {
      throw new ValidationError(`cidr must be an IPv4 block from /16 to /22; got ${JSON.stringify(props.cidr)}`, this);
    }
    const n = props.naming;
    this.rg = props.resourceGroupName;
    this.cidr = props.cidr;
    // Fixed sizes from the start of the block, so a /22 is exactly filled and a /16 keeps room to grow.
    const cidrs: Record<SubnetTier, string> = {
      apps: formatCidr(subnetOf(block, 23 - block.prefix, 0)),
      endpoints: formatCidr(subnetOf(block, 24 - block.prefix, 2)),
      database: formatCidr(subnetOf(block, 24 - block.prefix, 3)),
    };
    this.subnetCidrs = cidrs;

    this.vnet = new VirtualNetwork(this, "vnet", {
      name: n.name("vnet"),
      resourceGroupName: this.rg,
      location: props.location,
      addressSpace: [props.cidr],
    });
    this.networkId = this.vnet.id;

    const subnet = (tier: SubnetTier, delegation?: { name: string; actions: string[] }) =>
      new Subnet(this, `${tier}-subnet`, {
        name: n.name(tier),
        resourceGroupName: this.rg,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [cidrs[tier]],
        // Endpoints and the database never need to reach the Internet on their own.
        defaultOutboundAccessEnabled: tier === "apps",
        privateEndpointNetworkPolicies: tier === "endpoints" ? "Enabled" : undefined,
        delegation: delegation ? [{ name: tier, serviceDelegation: delegation }] : undefined,
      });
    this.appsSubnet = subnet("apps", {
      name: "Microsoft.App/environments",
      actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
    });
    this.endpointsSubnet = subnet("endpoints");
    this.databaseSubnet = subnet("database", {
      name: "Microsoft.DBforPostgreSQL/flexibleServers",
      actions: ["Microsoft.Network/virtualNetworks/subnets/join/action"],
    });
    this.privateSubnetIds = [this.appsSubnet.id, this.endpointsSubnet.id, this.databaseSubnet.id];

    const nsg = (tier: SubnetTier, target: Subnet) => {
      const group = new NetworkSecurityGroup(this, `${tier}-nsg`, {
        name: n.name(tier, "nsg"),
        resourceGroupName: this.rg,
        location: props.location,
      });
      new SubnetNetworkSecurityGroupAssociation(this, `${tier}-nsg-assoc`, { subnetId: target.id, networkSecurityGroupId: group.id });
      return group;
    };
    const rule = (group: NetworkSecurityGroup, id: string, r: Omit<ConstructorParameters<typeof NetworkSecurityRule>[2], "networkSecurityGroupName" | "resourceGroupName" | "name">) =>
      new NetworkSecurityRule(this, id, { name: id, networkSecurityGroupName: group.name, resourceGroupName: this.rg, sourcePortRange: "*", ...r });

    // The apps subnet keeps Azure's default inbound rules (VNet and load balancer in, the rest denied); see the header.
    nsg("apps", this.appsSubnet);
    const endpoints = nsg("endpoints", this.endpointsSubnet);
    rule(endpoints, "allow-vnet-https-in", {
      priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
      sourceAddressPrefix: props.cidr, destinationAddressPrefix: cidrs.endpoints, destinationPortRange: "443",
      description: "Private endpoints (Key Vault, Blob, ACR) from inside the VNet only",
    });
    rule(endpoints, "deny-all-in", {
      priority: 4000, direction: "Inbound", access: "Deny", protocol: "*",
      sourceAddressPrefix: "*", destinationAddressPrefix: "*", destinationPortRange: "*",
      description: "Nothing else reaches the endpoints subnet",
    });
    const database = nsg("database", this.databaseSubnet);
    rule(database, "allow-postgres-from-apps", {
      priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
      sourceAddressPrefix: cidrs.apps, destinationAddressPrefix: cidrs.database, destinationPortRange: "5432",
      description: "PostgreSQL from the Container Apps subnet only",
    });
    rule(database, "allow-postgres-ha", {
      priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp",
      sourceAddressPrefix: cidrs.database, destinationAddressPrefix: cidrs.database, destinationPortRange: "*",
      description: "Replication between primary and standby of a zone-redundant server",
    });
    rule(database, "deny-vnet-in", {
      priority: 4000, direction: "Inbound", access: "Deny", protocol: "*",
      sourceAddressPrefix: "VirtualNetwork", destinationAddressPrefix: "*", destinationPortRange: "*",
      description: "Nothing else in the VNet reaches the database subnet",
    });
  }

  /**
   * The private DNS zone `zoneName` (e.g. `privatelink.vaultcore.azure.net`), created on first use
   * and linked to the VNet without auto-registration.
   */
  privateDnsZoneId(zoneName: string): string {
    return this.dnsZone(zoneName).zone.id;
  }

  /** The zone's VNet link: resources that need name resolution at creation (PostgreSQL) depend on it. */
  privateDnsZoneLink(zoneName: string): PrivateDnsZoneVirtualNetworkLink {
    return this.dnsZone(zoneName).link;
  }

  private dnsZone(zoneName: string): { zone: PrivateDnsZone; link: PrivateDnsZoneVirtualNetworkLink } {
    let entry = this.zones.get(zoneName);
    if (!entry) {
      const id = zoneName.replace(/^privatelink\./, "").replace(/[^a-z0-9]+/g, "-");
      const zone = new PrivateDnsZone(this, `dns-${id}`, { name: zoneName, resourceGroupName: this.rg });
      const link = new PrivateDnsZoneVirtualNetworkLink(this, `dns-${id}-link`, {
        name: `${this.vnet.name}-link`,
        resourceGroupName: this.rg,
        privateDnsZoneName: zone.name,
        virtualNetworkId: this.vnet.id,
        registrationEnabled: false,
      });
      entry = { zone, link };
      this.zones.set(zoneName, entry);
    }
    return entry;
  }
}
