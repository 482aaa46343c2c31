import { LogWorkspace } from "../../../modules/azure/log-workspace";
import { ObjectStorage, ObjectStorageProps } from "../../../modules/azure/object-storage";
import { resources, synthStack } from "../../support/synth";
import { COMMON, SEED, azureTestStack, testNetwork } from "./azure-test-stack";

function build(props: Partial<ObjectStorageProps> = {}, opts: { network?: boolean; logs?: boolean } = {}) {
  const stack = azureTestStack(undefined, "obj");
  const network = opts.network ? testNetwork(stack) : undefined;
  const logs = opts.logs ? new LogWorkspace(stack, "logs", COMMON) : undefined;
  const storage = new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED, network, logWorkspaceId: logs?.workspaceId, ...props });
  return { storage, json: synthStack(stack) };
}

describe("Azure ObjectStorage", () => {
  test("GIVEN defaults WHEN built THEN the account is HTTPS-only, TLS 1.2, no public blobs, no shared keys, firewall Deny", () => {
    const [account] = resources(build().json, "azurerm_storage_account");
    expect(account).toMatchObject({
      https_traffic_only_enabled: true,
      min_tls_version: "TLS1_2",
      allow_nested_items_to_be_public: false,
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      cross_tenant_replication_enabled: false,
      infrastructure_encryption_enabled: true,
      account_replication_type: "ZRS",
      network_rules: expect.objectContaining({ default_action: "Deny", bypass: expect.arrayContaining(["AzureServices"]) }),
    });
    expect(account.name).toMatch(/^[a-z0-9]{3,24}$/);
  });

  test("GIVEN softDeleteDays WHEN built THEN blob versioning and soft delete for blobs and containers", () => {
    const [account] = resources(build({ softDeleteDays: 14 }).json, "azurerm_storage_account");
    expect(account.blob_properties).toMatchObject({
      versioning_enabled: true,
      delete_retention_policy: { days: 14 },
      container_delete_retention_policy: { days: 14 },
    });
  });

  test("GIVEN the catalog's purposes WHEN built THEN four private containers and a lifecycle rule expiring noncurrent versions", () => {
    const { json } = build({ noncurrentVersionExpirationDays: 45 });
    const containers = resources(json, "azurerm_storage_container");
    expect(containers.map((c) => c.name).sort()).toEqual(["mlflow-artifacts", "processed", "raw", "viz"]);
    expect(containers.every((c) => c.container_access_type === "private")).toBe(true);
    const [policy] = resources(json, "azurerm_storage_management_policy");
    expect(JSON.stringify(policy.rule)).toContain('"delete_after_days_since_creation":45');
  });

  test("GIVEN managed encryption, LRS and forceDestroy (dev) WHEN built THEN no double encryption and no delete lock", () => {
    const { json } = build({ encryption: "managed", replication: "LRS", forceDestroy: true });
    const [account] = resources(json, "azurerm_storage_account");
    expect(account).toMatchObject({ infrastructure_encryption_enabled: false, account_replication_type: "LRS" });
    expect(resources(json, "azurerm_management_lock")).toHaveLength(0);
  });

  test("GIVEN forceDestroy false (prod) WHEN built THEN a CanNotDelete lock guards the account", () => {
    expect(resources(build().json, "azurerm_management_lock")).toEqual([expect.objectContaining({ lock_level: "CanNotDelete" })]);
  });

  test("GIVEN a network, allowed IPs and access logging WHEN built THEN a blob private endpoint, IP rules and blob diagnostics", () => {
    const { json } = build({ allowedIpRanges: ["203.0.113.7/32", "198.51.100.0/24"], accessLogging: true }, { network: true, logs: true });
    const [account] = resources(json, "azurerm_storage_account");
    expect((account.network_rules as { ip_rules: string[] }).ip_rules).toEqual(["203.0.113.7", "198.51.100.0/24"]);
    expect(resources(json, "azurerm_private_endpoint")).toEqual([
      expect.objectContaining({ private_service_connection: expect.objectContaining({ subresource_names: ["blob"] }) }),
    ]);
    expect(resources(json, "azurerm_monitor_diagnostic_setting")).toEqual([
      expect.objectContaining({ target_resource_id: expect.stringMatching(/\/blobServices\/default$/) }),
    ]);
  });

  test("GIVEN a grant WHEN built THEN the role is scoped to the one container with the matching data role", () => {
    const stack = azureTestStack(undefined, "obj");
    const storage = new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED });
    storage.allowAccess("svc", "principal-1", "raw", "read");
    storage.allowAccess("svc", "principal-1", "processed", "read-write");
    const roles = resources(synthStack(stack), "azurerm_role_assignment");
    expect(roles).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role_definition_name: "Storage Blob Data Reader", scope: expect.stringContaining("storage_raw_") }),
        expect.objectContaining({ role_definition_name: "Storage Blob Data Contributor", scope: expect.stringContaining("storage_processed_") }),
      ]),
    );
  });

  test.each([
    [{ softDeleteDays: 0 }, /softDeleteDays must be 1 to 365; got 0/],
    [{ noncurrentVersionExpirationDays: 0 }, /noncurrentVersionExpirationDays must be a positive whole number; got 0/],
    [{ accessLogging: true }, /accessLogging needs logWorkspaceId/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (props, message) => {
    expect(() => build(props)).toThrow(message);
    expect(() => build(props)).toThrow(/^\[obj\/storage\]/);
  });
});
