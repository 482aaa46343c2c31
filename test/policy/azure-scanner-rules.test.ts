/** The Azure scanner counterparts added with issue 16's Azure fixes: a compliant case and each non-compliant case. */
import { PolicyRule, ResourceView } from "../../modules/policy/rule";
import { AZURE_PACK } from "../../modules/policy/azure-pack";
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
