/** The Azure scanner counterparts added with issue 16's Azure fixes: a compliant case and each non-compliant case. */
import { PolicyRule, ResourceView } from "../../modules/policy/rule";
import { AZURE_PACK } from "../../modules/policy/azure-pack";
import { azureDeveloperNoData } from "../../modules/policy/rules/azure-developer-no-data";
import { azureBlobStorageInsights } from "../../modules/policy/rules/azure-blob-storage-insights";
import { azureKeyVaultPublicNetwork } from "../../modules/policy/rules/azure-keyvault-public-network";
import { azureStorageBlobSoftDelete } from "../../modules/policy/rules/azure-storage-blob-soft-delete";
import { azureStorageCmk } from "../../modules/policy/rules/azure-storage-cmk";
import { azureStorageGeoReplication } from "../../modules/policy/rules/azure-storage-geo-replication";
import { azureStoragePrivateEndpoint } from "../../modules/policy/rules/azure-storage-private-endpoint";
import { azureStoragePublicNetwork } from "../../modules/policy/rules/azure-storage-public-network";
import { azureStorageQueueClassicLogging } from "../../modules/policy/rules/azure-storage-queue-classic-logging";
import { azureStorageSasExpiry } from "../../modules/policy/rules/azure-storage-sas-expiry";
import { statusOf, view } from "./support/view";

const check = (rule: PolicyRule, r: ResourceView) => statusOf(rule.check(r, { requiredTags: {} }));
const SA = "azurerm_storage_account";
const account = (attributes: Record<string, unknown>, related: Record<string, ResourceView[]> = {}) => view(SA, "s/account", attributes, related);

/** [rule, scanner id, compliant resource, ...non-compliant resources] */
const CASES: [PolicyRule, string, ResourceView, ...ResourceView[]][] = [
  [azureStoragePublicNetwork, "CKV_AZURE_59", account({ public_network_access_enabled: false }), account({ public_network_access_enabled: true }), account({})],
  [azureKeyVaultPublicNetwork, "CKV_AZURE_189", view("azurerm_key_vault", "s/kv", { public_network_access_enabled: false }), view("azurerm_key_vault", "s/kv", { public_network_access_enabled: true }), view("azurerm_key_vault", "s/kv", {})],
  [azureStorageGeoReplication, "CKV_AZURE_206", account({ account_replication_type: "GZRS" }), account({ account_replication_type: "ZRS" }), account({ account_replication_type: "LRS" }), account({})],
  [
    azureStorageCmk,
    "CKV2_AZURE_1",
    account({ customer_managed_key: { key_vault_key_id: "k", user_assigned_identity_id: "i" } }),
    account({}),
    // A key resource for another account does not count.
    account({}, { azurerm_storage_account_customer_managed_key: [view("azurerm_storage_account_customer_managed_key", "s/k", { storage_account_id: "${azurerm_storage_account.other.id}" })] }),
  ],
  [azureStorageQueueClassicLogging, "CKV_AZURE_33", account({ queue_properties: { logging: { delete: true, read: true, write: true, version: "1.0" } } }), account({}), account({ queue_properties: {} })],
  [azureBlobStorageInsights, "CKV2_AZURE_21", account({}, { azurerm_log_analytics_storage_insights: [view("azurerm_log_analytics_storage_insights", "s/si")] }), account({})],
  [azureStorageBlobSoftDelete, "CKV2_AZURE_38", account({ blob_properties: { delete_retention_policy: { days: 7 } } }), account({}), account({ blob_properties: { versioning_enabled: true } })],
  [
    azureStorageSasExpiry,
    "CKV2_AZURE_41",
    account({ shared_access_key_enabled: true, sas_policy: { expiration_period: "00.01:00:00", expiration_action: "Log" } }),
    account({ shared_access_key_enabled: true }),
    account({}),
    account({ shared_access_key_enabled: true, sas_policy: { expiration_period: "" } }),
  ],
  [azureStoragePrivateEndpoint, "CKV2_AZURE_33", account({}, { azurerm_private_endpoint: [view("azurerm_private_endpoint", "s/pe")] }), account({})],
];

describe.each(CASES.map((c) => [c[0].id, c[1], c] as const))("%s (%s)", (_id, scannerId, [rule, , compliant, ...bad]) => {
  test("is in the Azure pack and names the scanner id", () => {
    expect(AZURE_PACK.map((e) => e.rule)).toContain(rule);
    expect(rule.scanners?.checkov).toEqual([scannerId]);
  });
  test("Compliance", () => {
    expect(check(rule, compliant)).toBe("compliant");
  });
  test.each(bad.map((b, i) => [i + 1, b] as const))("Noncompliance %d", (_n, r) => {
    expect(check(rule, r)).toBe("non-compliant");
  });
  test("another resource type is not applicable", () => {
    expect(check(rule, view("azurerm_virtual_network", "s/v", {}))).toBe("not-applicable");
  });
});

test("MLOPS-AZURE-STORAGE-SAS-EXPIRY: an account without shared keys needs no SAS policy (no key can sign one)", () => {
  expect(check(azureStorageSasExpiry, account({ shared_access_key_enabled: false }))).toBe("compliant");
});

describe("MLOPS-AZURE-DEVELOPER-NO-DATA", () => {
  const DEV = "${azurerm_user_assigned_identity.ci_developer_1234.principal_id}";
  const grant = (path: string, role: string, principal = DEV) => view("azurerm_role_assignment", path, { principal_id: principal, role_definition_name: role, scope: "${azurerm_storage_account.x.id}" });
  test("is in the Azure pack", () => {
    expect(AZURE_PACK.map((e) => e.rule.id)).toContain("MLOPS-AZURE-DEVELOPER-NO-DATA");
  });
  test("Compliance: Reader, the state account's Blob Data Reader, and data roles of other principals", () => {
    expect(check(azureDeveloperNoData, grant("s/ci/developer-reader", "Reader"))).toBe("compliant");
    expect(check(azureDeveloperNoData, grant("s/ci/developer-state", "Storage Blob Data Reader"))).toBe("compliant");
    expect(check(azureDeveloperNoData, grant("s/app/reads", "Storage Blob Data Reader", "${azurerm_user_assigned_identity.app_identity_1.principal_id}"))).toBe("compliant");
  });
  test.each([
    ["s/ci/developer-data", "Storage Blob Data Reader"],
    ["s/ci/developer-pull", "AcrPull"],
    ["s/ci/developer-secrets", "Key Vault Secrets User"],
    ["s/ci/developer-queue", "Storage Queue Data Message Processor"],
  ])("Noncompliance: %s holding %s", (path, role) => {
    expect(check(azureDeveloperNoData, grant(path, role))).toBe("non-compliant");
  });
});
