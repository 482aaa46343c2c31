/** A private endpoint in the network's endpoints subnet, registered in the service's private DNS zone. */
import { Construct } from "constructs";
import { PrivateEndpoint } from "@cdktf/provider-azurerm/lib/private-endpoint";
import type { Network } from "../network";

export interface PrivateEndpointOptions {
  readonly network: Network;
  readonly name: string;
  readonly location: string;
  readonly resourceGroupName: string;
  readonly resourceId: string;
  /** `blob`, `vault`, `registry`... */
  readonly subresource: string;
  /** `privatelink.blob.core.windows.net`... */
  readonly dnsZone: string;
}

/** Adds the endpoint (AVM's `private_endpoints` with a managed DNS zone group). */
export function addPrivateEndpoint(scope: Construct, id: string, o: PrivateEndpointOptions): PrivateEndpoint {
  return new PrivateEndpoint(scope, id, {
    name: o.name,
    location: o.location,
    resourceGroupName: o.resourceGroupName,
    subnetId: o.network.endpointsSubnet.id,
    privateServiceConnection: {
      name: o.name,
      privateConnectionResourceId: o.resourceId,
      subresourceNames: [o.subresource],
      isManualConnection: false,
    },
    privateDnsZoneGroup: { name: "default", privateDnsZoneIds: [o.network.privateDnsZoneId(o.dnsZone)] },
  });
}
