import { Secrets, SecretsProps } from "../../../modules/azure/secrets";
import { resources, synthStack } from "../../support/synth";
import { COMMON, SEED, TENANT, azureTestStack, testNetwork } from "./azure-test-stack";

function build(props: Partial<SecretsProps> = {}, use?: (s: Secrets) => void) {
  const stack = azureTestStack(undefined, "sec");
  const secrets = new Secrets(stack, "secrets", { ...COMMON, tenantId: TENANT, uniqueSeed: SEED, network: testNetwork(stack), ...props });
  use?.(secrets);
  return { secrets, json: synthStack(stack) as ReturnType<typeof synthStack> & { ephemeral?: Record<string, Record<string, unknown>> } };
}

describe("Azure Secrets", () => {
  test("GIVEN defaults WHEN built THEN the vault uses RBAC, purge protection, 90-day soft delete and a default-Deny ACL", () => {
    const { json } = build();
    const [kv] = resources(json, "azurerm_key_vault");
    expect(kv).toMatchObject({
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      network_acls: { default_action: "Deny", bypass: "AzureServices", ip_rules: [] },
      tenant_id: TENANT,
    });
    expect(kv.access_policy).toBeUndefined();
    expect((kv.name as string).length).toBeLessThanOrEqual(24);
    expect(kv.name).toMatch(/^[a-z][a-z0-9-]+[a-z0-9]$/);
    expect(resources(json, "azurerm_private_endpoint")).toHaveLength(1);
  });

  test("GIVEN any vault WHEN built THEN the deployer (client config, no API call) is Key Vault Secrets Officer", () => {
    const { json } = build();
    expect(Object.keys(json.data ?? {})).toEqual(["azurerm_client_config"]);
    expect(resources(json, "azurerm_role_assignment")).toEqual([
      expect.objectContaining({ role_definition_name: "Key Vault Secrets Officer", principal_id: expect.stringContaining("data.azurerm_client_config.") }),
    ]);
  });

  test("GIVEN a generated secret WHEN synthesized THEN its value is write-only from an ephemeral random_password, never a value", () => {
    const { json } = build({}, (s) => s.generate("model-api-signing-key", { length: 48 }));
    const [secret] = resources(json, "azurerm_key_vault_secret");
    expect(secret.value).toBeUndefined();
    expect(secret.value_wo).toBe("${ephemeral.random_password.secrets_model_api_signing_key.result}");
    expect(secret.value_wo_version).toBe(1);
    expect(json.ephemeral?.random_password?.secrets_model_api_signing_key).toMatchObject({ length: 48, special: false });
    expect(json.terraform).toMatchObject({ required_providers: { random: { source: "hashicorp/random", version: "~> 3.7" } } });
    expect(json.resource?.random_password).toBeUndefined();
  });

  test("GIVEN a generated secret WHEN synthesized THEN the read-back waits for the written version (plan cannot open it before the secret exists)", () => {
    const { json, secrets } = build({}, (s) => s.generate("db-password"));
    const readBack = json.ephemeral?.azurerm_key_vault_secret?.secrets_db_password as Record<string, unknown>;
    // depends_on alone does not defer an ephemeral resource at plan (hashicorp/terraform#37270): an argument must stay unknown.
    expect(readBack).toMatchObject({ name: "db-password", version: expect.stringMatching(/^\$\{azurerm_key_vault_secret\.secrets_secret-db-password_[A-Z0-9]+\.version\}$/) });
    expect(secrets.generate("db-password").ephemeralValue).toBe("${ephemeral.azurerm_key_vault_secret.secrets_db_password.value}");
  });

  test("GIVEN allowRead WHEN built THEN Key Vault Secrets User is scoped to that one secret", () => {
    const { json } = build({}, (s) => s.allowRead("reader", "p-1", s.generate("db-password").secret));
    expect(resources(json, "azurerm_role_assignment")).toEqual(
      expect.arrayContaining([expect.objectContaining({ role_definition_name: "Key Vault Secrets User", scope: expect.stringContaining(".resource_versionless_id}") })]),
    );
  });

  test("GIVEN storeReference with a literal WHEN built THEN it is refused", () => {
    expect(() => build({}, (s) => s.storeReference("conn", "DefaultEndpointsProtocol=https;AccountKey=abc"))).toThrow(
      /^\[sec\/secrets\] secret conn must be a reference to another resource's attribute, not a literal value/,
    );
  });

  test.each([
    [{ softDeleteRetentionDays: 3 }, /softDeleteRetentionDays must be 7 to 90; got 3/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError", (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test.each([
    ["bad_name", /secret name must be 1-127 letters, digits and hyphens; got "bad_name"/],
  ])("GIVEN secret name %s WHEN generated THEN a ValidationError", (name, message) => {
    expect(() => build({}, (s) => s.generate(name))).toThrow(message);
  });
});
