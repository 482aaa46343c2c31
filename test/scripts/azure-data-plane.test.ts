/** scripts/azure-data-plane.ts: the runner's address through the Azure firewalls, plans without Key Vault reads. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { allowIp, planWithoutVault, run } from "../../scripts/azure-data-plane";

type Json = Record<string, any>;

/** The shape the Azure platform stack synthesizes (names literal, resource group by reference). */
function stack(): Json {
  return {
    resource: {
      azurerm_resource_group: { rg: { name: "mlops-dev-rg", location: "westeurope" } },
      azurerm_key_vault: {
        secrets_vault: {
          name: "mlops-dev-kv-abc123",
          resource_group_name: "${azurerm_resource_group.rg.name}",
          network_acls: { bypass: "AzureServices", default_action: "Deny", ip_rules: [] },
        },
      },
      azurerm_storage_account: {
        storage_account: {
          name: "mlopsdevdata0e5c2d",
          resource_group_name: "${azurerm_resource_group.rg.name}",
          network_rules: { bypass: ["AzureServices"], default_action: "Deny", ip_rules: ["198.51.100.1"] },
        },
        queue_account: { name: "mlopsdevevt", resource_group_name: "${azurerm_resource_group.rg.name}", network_rules: null },
      },
      azurerm_postgresql_flexible_server: {
        db: { administrator_password_wo: "${ephemeral.azurerm_key_vault_secret.secrets_db_password.value}", administrator_password_wo_version: 1 },
      },
      azurerm_key_vault_secret: {
        db_secret: { name: "db-password", value_wo: "${ephemeral.random_password.secrets_db_password.result}" },
      },
    },
    ephemeral: {
      random_password: { secrets_db_password: { length: 40 } },
      azurerm_key_vault_secret: { secrets_db_password: { name: "db-password", key_vault_id: "${azurerm_key_vault.secrets_vault.id}", depends_on: ["azurerm_key_vault_secret.db_secret"] } },
    },
  };
}

describe("allowIp", () => {
  test("GIVEN a deny-by-default Key Vault and storage account THEN the address joins both rule lists and both are listed for az", () => {
    const doc = stack();
    const r = allowIp(doc, "203.0.113.7");
    expect(r).toEqual({
      ip: "203.0.113.7",
      keyVaults: [{ name: "mlops-dev-kv-abc123", resourceGroup: "mlops-dev-rg" }],
      storageAccounts: [{ name: "mlopsdevdata0e5c2d", resourceGroup: "mlops-dev-rg" }],
    });
    // Key Vault returns /32 ranges, the storage API bare addresses (the modules write them the same way).
    expect(doc.resource.azurerm_key_vault.secrets_vault.network_acls.ip_rules).toEqual(["203.0.113.7/32"]);
    expect(doc.resource.azurerm_storage_account.storage_account.network_rules.ip_rules).toEqual(["198.51.100.1", "203.0.113.7"]);
    // An account without a firewall is left alone.
    expect(doc.resource.azurerm_storage_account.queue_account.network_rules).toBeNull();
  });

  test("GIVEN an address the config already allows (a self-hosted runner) THEN that firewall is neither changed nor listed to open and close", () => {
    const doc = stack();
    allowIp(doc, "203.0.113.7");
    expect(allowIp(doc, "203.0.113.7")).toEqual({ ip: "203.0.113.7", keyVaults: [], storageAccounts: [] });
    expect(doc.resource.azurerm_key_vault.secrets_vault.network_acls.ip_rules).toEqual(["203.0.113.7/32"]);
    expect(allowIp(stack(), "198.51.100.1").storageAccounts).toEqual([]);
  });

  test("GIVEN something that is not an IPv4 address, or a computed name THEN it throws", () => {
    expect(() => allowIp(stack(), "203.0.113.7; rm -rf /")).toThrow(/IPv4/);
    const doc = stack();
    doc.resource.azurerm_key_vault.secrets_vault.name = "${random_string.x.result}";
    expect(() => allowIp(doc, "203.0.113.7")).toThrow(/name is not a literal/);
  });
});

describe("planWithoutVault", () => {
  test("GIVEN a Key Vault read-back THEN it is replaced by its generator and the read is gone", () => {
    const doc = stack();
    expect(planWithoutVault(doc)).toEqual(["secrets_db_password"]);
    expect(doc.ephemeral.azurerm_key_vault_secret).toBeUndefined();
    expect(doc.resource.azurerm_postgresql_flexible_server.db.administrator_password_wo).toBe("${ephemeral.random_password.secrets_db_password.result}");
    expect(JSON.stringify(doc)).not.toContain("ephemeral.azurerm_key_vault_secret");
  });

  test("GIVEN a read-back without a generator of the same name THEN it throws", () => {
    const doc = stack();
    delete doc.ephemeral.random_password;
    expect(() => planWithoutVault(doc)).toThrow(/no ephemeral.random_password of the same name/);
  });

  test("GIVEN no Key Vault read THEN nothing changes", () => {
    const doc = { resource: {} };
    expect(planWithoutVault(doc)).toEqual([]);
    expect(doc).toEqual({ resource: {} });
  });
});

describe("the command line", () => {
  const out = () => {
    const dir = fs.mkdtempSync(path.join(process.env.MLOPS_TEST_TMPDIR ?? os.tmpdir(), "azure-data-plane-"));
    fs.mkdirSync(path.join(dir, "stacks", "dev-azure"), { recursive: true });
    fs.writeFileSync(path.join(dir, "stacks", "dev-azure", "cdk.tf.json"), JSON.stringify(stack()));
    return dir;
  };

  test("WHEN allow-ip runs THEN the stack file is rewritten and the targets are printed as JSON", () => {
    const dir = out();
    const r = run(["allow-ip", "--stack", "dev-azure", "--ip", "203.0.113.7", "--out", dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).keyVaults).toEqual([{ name: "mlops-dev-kv-abc123", resourceGroup: "mlops-dev-rg" }]);
    const doc = JSON.parse(fs.readFileSync(path.join(dir, "stacks", "dev-azure", "cdk.tf.json"), "utf8"));
    expect(doc.resource.azurerm_key_vault.secrets_vault.network_acls.ip_rules).toEqual(["203.0.113.7/32"]);
  });

  test("WHEN plan-without-vault runs THEN the stack file has no Key Vault read", () => {
    const dir = out();
    expect(run(["plan-without-vault", "--stack", "dev-azure", "--out", dir])).toMatchObject({ code: 0, stdout: '{"replaced":["secrets_db_password"]}\n' });
    expect(fs.readFileSync(path.join(dir, "stacks", "dev-azure", "cdk.tf.json"), "utf8")).not.toContain("azurerm_key_vault_secret.secrets_db_password.value");
  });

  test("GIVEN a missing stack or a bad command line THEN exit 1 or 2", () => {
    expect(run(["allow-ip", "--stack", "nope", "--ip", "203.0.113.7", "--out", out()]).code).toBe(1);
    expect(run(["allow-ip", "--stack", "dev-azure"]).code).toBe(2);
    expect(run(["open", "--stack", "dev-azure"]).code).toBe(2);
  });
});
