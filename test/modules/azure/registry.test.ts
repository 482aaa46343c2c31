import { Registry, RegistryProps } from "../../../modules/azure/registry";
import { resources, synthStack } from "../../support/synth";
import { COMMON, SEED, azureTestStack, testNetwork } from "./azure-test-stack";
import { SERVICE_CATALOG } from "../../../services/catalog";

function build(props: Partial<RegistryProps> = {}, withNetwork = false) {
  const stack = azureTestStack(undefined, "reg");
  const network = withNetwork ? testNetwork(stack) : undefined;
  const registry = new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...COMMON, uniqueSeed: SEED, network, ...props });
  return { registry, json: synthStack(stack) };
}

describe("Azure Registry", () => {
  test("GIVEN the Basic SKU (dev) WHEN built THEN admin user and anonymous pull are off and no Premium-only settings appear", () => {
    const [acr] = resources(build({ sku: "Basic" }).json, "azurerm_container_registry");
    expect(acr).toMatchObject({ sku: "Basic", admin_enabled: false, anonymous_pull_enabled: false, public_network_access_enabled: true });
    expect(acr.retention_policy_in_days).toBeUndefined();
    expect(acr.zone_redundancy_enabled).toBeUndefined();
    expect(acr.name).toMatch(/^[a-z0-9]{5,50}$/);
  });

  test("GIVEN Premium (prod default) with a network WHEN built THEN private only: retention, zone redundancy, no export, a private endpoint", () => {
    const { json } = build({}, true);
    const [acr] = resources(json, "azurerm_container_registry");
    expect(acr).toMatchObject({
      sku: "Premium",
      admin_enabled: false,
      public_network_access_enabled: false,
      export_policy_enabled: false,
      zone_redundancy_enabled: true,
      retention_policy_in_days: 7,
    });
    expect(resources(json, "azurerm_private_endpoint")).toEqual([
      expect.objectContaining({ private_service_connection: expect.objectContaining({ subresource_names: ["registry"] }) }),
    ]);
    expect(resources(json, "azurerm_private_dns_zone")).toEqual([expect.objectContaining({ name: "privatelink.azurecr.io" })]);
  });

  test.each([
    [undefined, { prevent_destroy: true }],
    [false, { prevent_destroy: true }],
    [true, undefined],
  ])("GIVEN forceDestroy %p THEN the registry (whose images go with it) is protected from destroy: %j", (forceDestroy, lifecycle) => {
    const [acr] = resources(build({ sku: "Basic", forceDestroy }).json, "azurerm_container_registry");
    expect(acr.lifecycle).toEqual(lifecycle);
  });

  test("GIVEN Premium with allowed IP ranges WHEN built THEN public access only through a default-Deny rule set", () => {
    const [acr] = resources(build({ allowedIpRanges: ["203.0.113.0/24"] }).json, "azurerm_container_registry");
    expect(acr.public_network_access_enabled).toBe(true);
    expect(acr.network_rule_set).toEqual([{ default_action: "Deny", ip_rule: [{ action: "Allow", ip_range: "203.0.113.0/24" }] }]);
  });

  test("GIVEN any registry WHEN built THEN a user-assigned identity holds AcrPull on it, and images are addressed by tag or digest", () => {
    const { json, registry } = build({ sku: "Basic" });
    expect(resources(json, "azurerm_user_assigned_identity")).toHaveLength(1);
    expect(resources(json, "azurerm_role_assignment")).toEqual([
      expect.objectContaining({ role_definition_name: "AcrPull", principal_type: "ServicePrincipal", scope: expect.stringContaining("azurerm_container_registry.") }),
    ]);
    expect(registry.imageFor("mlflow", { kind: "tag", tag: "v1" })).toMatch(/\/mlflow:v1$/);
    const digest = `sha256:${"a".repeat(64)}`;
    expect(registry.imageFor("model-api", { kind: "digest", digest, version: "1.0.0", source: "abc1234" })).toMatch(new RegExp(`/model-api@${digest}$`));
  });

  test.each([
    [{ sku: "Basic" as const, zoneRedundant: true }, /zone redundancy and network rules need the Premium SKU; got sku "Basic"/],
    [{ sku: "Standard" as const, allowedIpRanges: ["203.0.113.0/24"] }, /need the Premium SKU; got sku "Standard"/],
    [{ untaggedRetentionDays: 400 }, /untaggedRetentionDays must be 0 to 365; got 400/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (props, message) => {
    expect(() => build(props)).toThrow(message);
    expect(() => build(props)).toThrow(/^\[reg\/registry\]/);
  });
});
