import { Database, DatabaseProps } from "../../../modules/azure/database";
import { Secrets } from "../../../modules/azure/secrets";
import { resources, synthStack } from "../../support/synth";
import { COMMON, OFFICERS, SEED, TENANT, azureTestStack, testNetwork } from "./azure-test-stack";

function build(props: Partial<DatabaseProps> = {}) {
  const stack = azureTestStack(undefined, "db");
  const network = testNetwork(stack);
  const secrets = new Secrets(stack, "secrets", { ...COMMON, tenantId: TENANT, uniqueSeed: SEED, officers: OFFICERS });
  const database = new Database(stack, "database", {
    ...COMMON,
    tenantId: TENANT,
    uniqueSeed: SEED,
    network,
    password: secrets.generate("mlflow-db-password"),
    appPassword: secrets.generate("mlflow-db-role-password"),
    ...props,
  });
  return { database, json: synthStack(stack) };
}

describe("Azure Database", () => {
  test("GIVEN defaults and no deletion protection (dev) WHEN built THEN a private Burstable server, password write-only, Entra ID enabled, no HA, no lock", () => {
    const { json } = build({ deletionProtection: false });
    const [server] = resources(json, "azurerm_postgresql_flexible_server");
    expect(server).toMatchObject({
      version: "16",
      sku_name: "B_Standard_B1ms",
      storage_mb: 32768,
      public_network_access_enabled: false,
      delegated_subnet_id: expect.stringContaining("network_database-subnet"),
      administrator_password_wo: "${ephemeral.azurerm_key_vault_secret.secrets_mlflow_db_password.value}",
      administrator_password_wo_version: 1,
      authentication: { active_directory_auth_enabled: true, password_auth_enabled: true, tenant_id: TENANT },
      geo_redundant_backup_enabled: false,
      backup_retention_days: 7,
    });
    expect(server.administrator_password).toBeUndefined();
    expect(server.high_availability).toBeUndefined();
    expect(resources(json, "azurerm_postgresql_flexible_server_firewall_rule")).toHaveLength(0);
    expect(resources(json, "azurerm_management_lock")).toHaveLength(0);
    expect(resources(json, "azurerm_private_dns_zone")).toEqual([expect.objectContaining({ name: expect.stringMatching(/\.private\.postgres\.database\.azure\.com$/) })]);
  });

  test("GIVEN medium, HA and deletion protection (prod) WHEN built THEN zone-redundant HA, geo backups and a delete lock", () => {
    const { json } = build({ tier: "medium", highAvailability: true, deletionProtection: true, storageGiB: 50, backupRetentionDays: 14 });
    const [server] = resources(json, "azurerm_postgresql_flexible_server");
    expect(server).toMatchObject({
      sku_name: "GP_Standard_D2ds_v5",
      storage_mb: 65536,
      high_availability: { mode: "ZoneRedundant", standby_availability_zone: "2" },
      geo_redundant_backup_enabled: true,
      backup_retention_days: 14,
    });
    expect(resources(json, "azurerm_management_lock")).toEqual([expect.objectContaining({ lock_level: "CanNotDelete" })]);
  });

  test("GIVEN any server WHEN built THEN TLS is required and the settings are applied one after another", () => {
    const configs = resources(build().json, "azurerm_postgresql_flexible_server_configuration");
    expect(configs).toEqual(expect.arrayContaining([expect.objectContaining({ name: "require_secure_transport", value: "on" })]));
    expect(configs.filter((c) => c.depends_on)).toHaveLength(configs.length - 1);
  });

  test("GIVEN defaults WHEN built THEN deletion protection is on (a CanNotDelete lock), as on every cloud", () => {
    expect(resources(build().json, "azurerm_management_lock")).toEqual([expect.objectContaining({ lock_level: "CanNotDelete" })]);
  });

  test.each([
    [{ highAvailability: true }, /highAvailability needs a General Purpose tier; tier "small" is Burstable/],
    [{ storageGiB: 40000 }, /storageGiB must be at most 32767; got 40000/],
    [{ backupRetentionDays: 40 }, /backupRetentionDays must be an integer from 7 to 35 on azure .*; got 40/],
    // Below Azure's floor is refused, not rounded: resolveDatabase raises an environment's days before the module sees them.
    [{ backupRetentionDays: 1 }, /backupRetentionDays must be an integer from 7 to 35 on azure .*; got 1/],
    [{ backupRetentionDays: 0 }, /backupRetentionDays must be an integer from 7 to 35 on azure .*; got 0/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (props, message) => {
    expect(() => build(props)).toThrow(message);
    expect(() => build(props)).toThrow(/^\[db\/database\]/);
  });
});
