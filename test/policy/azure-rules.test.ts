/**
 * The Azure pack's rules: for each, a compliant resource and every way of being non-compliant,
 * built as small constructs in a test stack; the PolicyAspect must report the rule id at the path.
 */
import { Aspects, TerraformStack } from "cdktf";
import { ContainerApp, ContainerAppConfig } from "@cdktf/provider-azurerm/lib/container-app";
import { ContainerAppJob } from "@cdktf/provider-azurerm/lib/container-app-job";
import { ContainerRegistry, ContainerRegistryConfig } from "@cdktf/provider-azurerm/lib/container-registry";
import { KeyVault, KeyVaultConfig } from "@cdktf/provider-azurerm/lib/key-vault";
import { PostgresqlFlexibleServer, PostgresqlFlexibleServerConfig } from "@cdktf/provider-azurerm/lib/postgresql-flexible-server";
import { PostgresqlFlexibleServerFirewallRule } from "@cdktf/provider-azurerm/lib/postgresql-flexible-server-firewall-rule";
import { StorageAccount, StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { AzureTagsAspect } from "../../modules/azure/tags";
import { ObjectStorage } from "../../modules/azure/object-storage";
import { AZURE_PACK, AZURE_SCANNER_CHECKS } from "../../modules/policy/azure-pack";

/** The pack without the scanner counterparts: those a stack keeps are accepted per stack (accepted-risks-per-stack-azure). */
const ENFORCED = AZURE_PACK.filter((e) => !AZURE_SCANNER_CHECKS.includes(e));
import { PackEntry, PolicyRule } from "../../modules/policy";
import { azureAcrAdmin } from "../../modules/policy/rules/azure-acr-admin";
import { azureAppLiteralSecrets } from "../../modules/policy/rules/azure-app-literal-secrets";
import { azureKeyVaultPurgeProtection } from "../../modules/policy/rules/azure-keyvault-purge-protection";
import { azurePostgresPrivate } from "../../modules/policy/rules/azure-postgres-private";
import { azureStoragePublicAccess } from "../../modules/policy/rules/azure-storage-public-access";
import { azureStorageSharedKey } from "../../modules/policy/rules/azure-storage-shared-key";
import { azureStorageTls } from "../../modules/policy/rules/azure-storage-tls";
import { checkPolicy } from "../support/policy";
import { resources, synthStack } from "../support/synth";
import { COMMON, SEED, azureTestStack } from "../modules/azure/azure-test-stack";

const TAGS = { environment: "test", "managed-by": "cdktf", platform: "mlops", cloud: "azure" };
const packOf = (rule: PolicyRule): PackEntry[] => [{ rule, level: "error" }];
const rg = { resourceGroupName: "rg", location: "westeurope" };

/** Runs one rule over what `build` adds to a fresh stack. */
function run(rule: PolicyRule, build: (stack: TerraformStack) => void) {
  const stack = azureTestStack();
  build(stack);
  return checkPolicy(stack, packOf(rule), TAGS).errors;
}

const safeAccount: StorageAccountConfig = {
  ...rg,
  name: "mlopstestdata",
  accountTier: "Standard",
  accountReplicationType: "LRS",
  minTlsVersion: "TLS1_2",
  httpsTrafficOnlyEnabled: true,
  allowNestedItemsToBePublic: false,
  sharedAccessKeyEnabled: false,
};

describe("MLOPS-AZURE-STORAGE-PUBLIC-ACCESS", () => {
  const rule = azureStoragePublicAccess;
  test("Compliance: account forbids public blobs and the container is private", () => {
    expect(run(rule, (s) => {
      const a = new StorageAccount(s, "sa", safeAccount);
      new StorageContainer(s, "c", { name: "raw", storageAccountId: a.id, containerAccessType: "private" });
    })).toEqual([]);
  });
  test("Noncompliance 1: allow_nested_items_to_be_public true", () => {
    const errors = run(rule, (s) => new StorageAccount(s, "sa", { ...safeAccount, allowNestedItemsToBePublic: true }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-STORAGE-PUBLIC-ACCESS", path: "test/sa", resourceType: "azurerm_storage_account" })]);
    expect(errors[0].message).toContain("allow_nested_items_to_be_public is true");
  });
  test("Noncompliance 2: allow_nested_items_to_be_public left to azurerm's default (true)", () => {
    const { allowNestedItemsToBePublic: _omit, ...rest } = safeAccount;
    expect(run(rule, (s) => new StorageAccount(s, "sa", rest))[0].message).toContain("not set (azurerm defaults to true)");
  });
  test("Noncompliance 3: a container with blob access", () => {
    const errors = run(rule, (s) => {
      const a = new StorageAccount(s, "sa", safeAccount);
      new StorageContainer(s, "c", { name: "viz", storageAccountId: a.id, containerAccessType: "blob" });
    });
    expect(errors).toEqual([expect.objectContaining({ path: "test/c", resourceType: "azurerm_storage_container" })]);
  });
});

describe("MLOPS-AZURE-STORAGE-TLS", () => {
  const rule = azureStorageTls;
  test("Compliance: HTTPS only with TLS 1.2", () => {
    expect(run(rule, (s) => new StorageAccount(s, "sa", safeAccount))).toEqual([]);
  });
  test("Noncompliance 1: TLS 1.0 accepted", () => {
    const errors = run(rule, (s) => new StorageAccount(s, "sa", { ...safeAccount, minTlsVersion: "TLS1_0" }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-STORAGE-TLS", path: "test/sa" })]);
    expect(errors[0].message).toContain("min_tls_version is TLS1_0");
  });
  test("Noncompliance 2: TLS 1.1 accepted", () => {
    expect(run(rule, (s) => new StorageAccount(s, "sa", { ...safeAccount, minTlsVersion: "TLS1_1" }))[0].message).toContain("TLS1_1");
  });
  test("Noncompliance 3: plain HTTP allowed", () => {
    expect(run(rule, (s) => new StorageAccount(s, "sa", { ...safeAccount, httpsTrafficOnlyEnabled: false }))[0].message).toContain("https_traffic_only_enabled is false");
  });
});

describe("MLOPS-AZURE-STORAGE-SHARED-KEY", () => {
  const rule = azureStorageSharedKey;
  test("Compliance: shared keys off", () => {
    expect(run(rule, (s) => new StorageAccount(s, "sa", safeAccount))).toEqual([]);
  });
  test("Noncompliance 1: shared keys on", () => {
    expect(run(rule, (s) => new StorageAccount(s, "sa", { ...safeAccount, sharedAccessKeyEnabled: true }))).toEqual([
      expect.objectContaining({ ruleId: "MLOPS-AZURE-STORAGE-SHARED-KEY", path: "test/sa" }),
    ]);
  });
  test("Noncompliance 2: left to azurerm's default (on)", () => {
    const { sharedAccessKeyEnabled: _omit, ...rest } = safeAccount;
    expect(run(rule, (s) => new StorageAccount(s, "sa", rest))[0].message).toContain("not set (azurerm defaults to true)");
  });
});

describe("MLOPS-AZURE-ACR-ADMIN", () => {
  const rule = azureAcrAdmin;
  const acr: ContainerRegistryConfig = { ...rg, name: "mlopstestacr", sku: "Basic", adminEnabled: false, anonymousPullEnabled: false };
  test("Compliance: admin user and anonymous pull off", () => {
    expect(run(rule, (s) => new ContainerRegistry(s, "acr", acr))).toEqual([]);
  });
  test("Noncompliance 1: admin user on", () => {
    const errors = run(rule, (s) => new ContainerRegistry(s, "acr", { ...acr, adminEnabled: true }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-ACR-ADMIN", path: "test/acr", resourceType: "azurerm_container_registry" })]);
    expect(errors[0].message).toContain("admin_enabled is true");
  });
  test("Noncompliance 2: anonymous pull on", () => {
    expect(run(rule, (s) => new ContainerRegistry(s, "acr", { ...acr, sku: "Standard", anonymousPullEnabled: true }))[0].message).toContain("anonymous_pull_enabled is true");
  });
});

describe("MLOPS-AZURE-KEYVAULT-PURGE-PROTECTION", () => {
  const rule = azureKeyVaultPurgeProtection;
  const kv: KeyVaultConfig = { ...rg, name: "mlops-test-kv", tenantId: "t", skuName: "standard", purgeProtectionEnabled: true, rbacAuthorizationEnabled: true };
  test("Compliance: purge protection and RBAC", () => {
    expect(run(rule, (s) => new KeyVault(s, "kv", kv))).toEqual([]);
  });
  test("Noncompliance 1: purge protection off", () => {
    const errors = run(rule, (s) => new KeyVault(s, "kv", { ...kv, purgeProtectionEnabled: false }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-KEYVAULT-PURGE-PROTECTION", path: "test/kv", resourceType: "azurerm_key_vault" })]);
    expect(errors[0].message).toContain("purge_protection_enabled is false");
  });
  test("Noncompliance 2: purge protection not set (defaults to off)", () => {
    const { purgeProtectionEnabled: _omit, ...rest } = kv;
    expect(run(rule, (s) => new KeyVault(s, "kv", rest))[0].message).toContain("not set (defaults to false)");
  });
  test("Noncompliance 3: access policies instead of RBAC", () => {
    expect(run(rule, (s) => new KeyVault(s, "kv", { ...kv, rbacAuthorizationEnabled: false }))[0].message).toContain("RBAC authorization is off");
  });
});

describe("MLOPS-AZURE-APP-LITERAL-SECRET", () => {
  const rule = azureAppLiteralSecrets;
  const app = (env: { name: string; value?: string; secretName?: string }[], secret?: ContainerAppConfig["secret"]): ContainerAppConfig => ({
    name: "app",
    resourceGroupName: "rg",
    containerAppEnvironmentId: "env-id",
    revisionMode: "Single",
    secret,
    template: { container: [{ name: "c", image: "img:1", cpu: 0.25, memory: "0.5Gi", env }] },
  });
  test("Compliance: secrets are Key Vault references and env takes secret_name; plain settings stay literal", () => {
    expect(run(rule, (s) => new ContainerApp(s, "app", app(
      [{ name: "LOG_LEVEL", value: "info" }, { name: "DB_PASSWORD", secretName: "db-password" }],
      [{ name: "db-password", keyVaultSecretId: "https://kv.vault.azure.net/secrets/db-password", identity: "id" }],
    )))).toEqual([]);
  });
  test("Noncompliance 1: a secret block with a literal value", () => {
    const errors = run(rule, (s) => new ContainerApp(s, "app", app([{ name: "DB_PASSWORD", secretName: "db-password" }], [{ name: "db-password", value: "hunter2-literal" }])));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-APP-LITERAL-SECRET", path: "test/app", resourceType: "azurerm_container_app" })]);
    expect(errors[0].message).toContain('secret "db-password" has a literal value');
  });
  test("Noncompliance 2: a password as a literal env value", () => {
    expect(run(rule, (s) => new ContainerApp(s, "app", app([{ name: "DB_PASSWORD", value: "hunter2" }])))[0].message).toContain("env DB_PASSWORD of container \"c\" is a literal");
  });
  test("Noncompliance 3: a job with a literal connection string", () => {
    const errors = run(rule, (s) => new ContainerAppJob(s, "job", {
      name: "job",
      resourceGroupName: "rg",
      location: "westeurope",
      containerAppEnvironmentId: "env-id",
      replicaTimeoutInSeconds: 60,
      manualTriggerConfig: { parallelism: 1, replicaCompletionCount: 1 },
      template: { container: [{ name: "c", image: "img:1", cpu: 0.25, memory: "0.5Gi", env: [{ name: "QUEUE_CONNECTION_STRING", value: "DefaultEndpointsProtocol=https;AccountKey=x" }] }] },
    }));
    expect(errors).toEqual([expect.objectContaining({ path: "test/job", resourceType: "azurerm_container_app_job" })]);
  });
  test("Compliance: a secret-looking name whose value is a reference to another resource", () => {
    expect(run(rule, (s) => {
      const a = new StorageAccount(s, "sa", safeAccount);
      new ContainerApp(s, "app", app([{ name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: a.primaryBlobEndpoint }]));
    })).toEqual([]);
  });
});

describe("MLOPS-AZURE-POSTGRES-PRIVATE", () => {
  const rule = azurePostgresPrivate;
  const pg: PostgresqlFlexibleServerConfig = { ...rg, name: "pg", publicNetworkAccessEnabled: false, administratorLogin: "admin", administratorPasswordWo: "${ephemeral.random_password.p.result}", administratorPasswordWoVersion: 1 };
  test("Compliance: no public access, write-only password", () => {
    expect(run(rule, (s) => new PostgresqlFlexibleServer(s, "pg", pg))).toEqual([]);
  });
  test("Noncompliance 1: public network access on", () => {
    const errors = run(rule, (s) => new PostgresqlFlexibleServer(s, "pg", { ...pg, publicNetworkAccessEnabled: true }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-POSTGRES-PRIVATE", path: "test/pg", resourceType: "azurerm_postgresql_flexible_server" })]);
  });
  test("Noncompliance 2: a literal administrator password", () => {
    const { administratorPasswordWo: _a, administratorPasswordWoVersion: _b, ...rest } = pg;
    expect(run(rule, (s) => new PostgresqlFlexibleServer(s, "pg", { ...rest, administratorPassword: "P@ssw0rd-literal" }))[0].message).toContain("administrator_password is a literal");
  });
  test("Noncompliance 3: a literal write-only administrator password", () => {
    const errors = run(rule, (s) => new PostgresqlFlexibleServer(s, "pg", { ...pg, administratorPasswordWo: "P@ssw0rd-literal" }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-POSTGRES-PRIVATE", path: "test/pg", resourceType: "azurerm_postgresql_flexible_server" })]);
    expect(errors[0].message).toContain("administrator_password_wo is a literal");
  });
  test("Noncompliance 4: a firewall rule open to the Internet", () => {
    const errors = run(rule, (s) => {
      const server = new PostgresqlFlexibleServer(s, "pg", pg);
      new PostgresqlFlexibleServerFirewallRule(s, "fw", { name: "all", serverId: server.id, startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" });
    });
    expect(errors).toEqual([expect.objectContaining({ path: "test/fw", resourceType: "azurerm_postgresql_flexible_server_firewall_rule" })]);
  });
});

describe("AZURE_PACK with the tags aspect", () => {
  test("Compliance: the platform's ObjectStorage, tagged by AzureTagsAspect, passes the whole pack", () => {
    const stack = azureTestStack();
    Aspects.of(stack).add(new AzureTagsAspect(TAGS));
    new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED });
    expect(checkPolicy(stack, ENFORCED, TAGS).errors).toEqual([]);
  });

  test("Noncompliance: without the aspect, every taggable Azure resource misses the required tags", () => {
    const stack = azureTestStack();
    new StorageAccount(stack, "sa", safeAccount);
    const errors = checkPolicy(stack, ENFORCED, TAGS).errors;
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-REQUIRED-TAGS", path: "test/sa" })]);
  });

  test("GIVEN a resource with its own tag WHEN the aspect runs THEN its value wins and the platform tags are added", () => {
    const stack = azureTestStack();
    Aspects.of(stack).add(new AzureTagsAspect(TAGS));
    new StorageAccount(stack, "sa", { ...safeAccount, tags: { purpose: "data", owner: "team-a" } });
    expect(resources(synthStack(stack), "azurerm_storage_account")[0].tags).toEqual({ ...TAGS, purpose: "data", owner: "team-a" });
    expect(checkPolicy(stack, ENFORCED, TAGS).errors).toEqual([]);
  });

  test("Every Azure rule names the scanner check it maps to", () => {
    for (const { rule } of AZURE_PACK.filter((e) => e.rule.id.startsWith("MLOPS-AZURE-"))) expect(rule.maps?.length).toBeGreaterThan(0);
  });
});
