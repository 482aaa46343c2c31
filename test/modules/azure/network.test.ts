import { Network, NetworkProps } from "../../../modules/azure/network";
import { resources, synthStack } from "../../support/synth";
import { COMMON, azureTestStack } from "./azure-test-stack";

function build(props: Partial<NetworkProps> = {}, zones: string[] = []) {
  const stack = azureTestStack(undefined, "net");
  const network = new Network(stack, "network", { ...COMMON, cidr: "10.11.0.0/16", ...props });
  zones.forEach((z) => network.privateDnsZoneId(z));
  return { network, json: synthStack(stack) };
}

describe("Azure Network", () => {
  test("GIVEN a /16 WHEN built THEN apps /23, endpoints /24 and database /24 at the start of the block", () => {
    const { json, network } = build();
    const subnets = Object.fromEntries(resources(json, "azurerm_subnet").map((s) => [s.name, s]));
    expect(subnets["mlops-test-apps"].address_prefixes).toEqual(["10.11.0.0/23"]);
    expect(subnets["mlops-test-endpoints"].address_prefixes).toEqual(["10.11.2.0/24"]);
    expect(subnets["mlops-test-database"].address_prefixes).toEqual(["10.11.3.0/24"]);
    expect(network.subnetCidrs).toEqual({ apps: "10.11.0.0/23", endpoints: "10.11.2.0/24", database: "10.11.3.0/24" });
    expect(network.publicSubnetIds).toEqual([]);
  });

  test("GIVEN a /22 WHEN built THEN the three subnets fill it exactly", () => {
    const { network } = build({ cidr: "10.40.4.0/22" });
    expect(network.subnetCidrs).toEqual({ apps: "10.40.4.0/23", endpoints: "10.40.6.0/24", database: "10.40.7.0/24" });
  });

  test("GIVEN any network WHEN built THEN apps and database subnets are delegated, and only apps has default outbound access", () => {
    const { json } = build();
    const byName = Object.fromEntries(resources(json, "azurerm_subnet").map((s) => [s.name, s]));
    const delegation = (s: Record<string, unknown>) => (s.delegation as { service_delegation: { name: string } }[] | undefined)?.[0]?.service_delegation.name;
    expect(delegation(byName["mlops-test-apps"])).toBe("Microsoft.App/environments");
    expect(delegation(byName["mlops-test-database"])).toBe("Microsoft.DBforPostgreSQL/flexibleServers");
    expect(delegation(byName["mlops-test-endpoints"])).toBeUndefined();
    expect(byName["mlops-test-endpoints"].default_outbound_access_enabled).toBe(false);
    expect(byName["mlops-test-database"].default_outbound_access_enabled).toBe(false);
  });

  test("GIVEN any network WHEN built THEN every subnet has its own NSG, and the database admits 5432 only from the apps subnet", () => {
    const { json } = build();
    expect(resources(json, "azurerm_network_security_group")).toHaveLength(3);
    expect(resources(json, "azurerm_subnet_network_security_group_association")).toHaveLength(3);
    const rules = Object.fromEntries(resources(json, "azurerm_network_security_rule").map((r) => [r.name, r]));
    expect(rules["allow-postgres-from-apps"]).toMatchObject({ source_address_prefix: "10.11.0.0/23", destination_port_range: "5432", access: "Allow" });
    expect(rules["deny-vnet-in"]).toMatchObject({ source_address_prefix: "VirtualNetwork", access: "Deny", priority: 4000 });
    expect(rules["deny-all-in"]).toMatchObject({ access: "Deny", direction: "Inbound" });
  });

  test("GIVEN any network WHEN built THEN no NSG rule admits the Internet (it would not act on an external workload-profiles environment)", () => {
    const rules = resources(build().json, "azurerm_network_security_rule");
    expect(rules.filter((r) => r.source_address_prefix === "Internet" || r.source_address_prefix === "*" && r.access === "Allow")).toEqual([]);
    expect(rules.filter((r) => [r.destination_port_range, ...((r.destination_port_ranges as string[]) ?? [])].includes("80"))).toEqual([]);
  });

  test("GIVEN a private DNS zone asked twice WHEN built THEN one zone and one VNet link without auto-registration", () => {
    const { json } = build({}, ["privatelink.vaultcore.azure.net", "privatelink.vaultcore.azure.net"]);
    expect(resources(json, "azurerm_private_dns_zone")).toEqual([expect.objectContaining({ name: "privatelink.vaultcore.azure.net" })]);
    expect(resources(json, "azurerm_private_dns_zone_virtual_network_link")).toEqual([expect.objectContaining({ registration_enabled: false })]);
  });

  test.each([["10.0.0.0/24"], ["10.0.0.0/15"], ["not-a-cidr"]])("GIVEN cidr %s WHEN built THEN a ValidationError names the construct", (cidr) => {
    expect(() => build({ cidr })).toThrow(/^\[net\/network\] cidr must be an IPv4 block from \/16 to \/22; got/);
  });
});
