/** Azure data trigger: blobs created under the catalog job's prefix queue an event the job scales on; delivery by identity, dead-lettered. */
import { DataTrigger, DataTriggerProps } from "../../../modules/azure/data-trigger";
import { ObjectStorage } from "../../../modules/azure/object-storage";
import { Secrets } from "../../../modules/azure/secrets";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { azureTestStack, COMMON, OFFICERS, SEED, TENANT } from "./azure-test-stack";

const job = SERVICE_CATALOG.find((s) => s.kind === "job" && s.trigger)!;

function build(over: Partial<DataTriggerProps> = {}): { json: StackJson; trigger: DataTrigger } {
  const stack = azureTestStack();
  const storage = new ObjectStorage(stack, "storage", { ...COMMON, uniqueSeed: SEED });
  const secrets = new Secrets(stack, "secrets", { ...COMMON, tenantId: TENANT, uniqueSeed: SEED, officers: OFFICERS });
  const trigger = new DataTrigger(stack, `${job.name}-trigger`, { ...COMMON, uniqueSeed: SEED, storage, secrets, jobName: job.name, bucket: job.trigger!.bucket, prefix: job.trigger!.prefix, ...over });
  trigger.allowConsume("00000000-0000-0000-0000-0000000000cc");
  return { json: synthStack(stack), trigger };
}

describe("Azure DataTrigger", () => {
  let json: StackJson;
  let trigger: DataTrigger;
  beforeAll(() => {
    ({ json, trigger } = build());
  });
  const subscription = (): Record<string, unknown> => resources(json, "azurerm_eventgrid_system_topic_event_subscription")[0];

  test("GIVEN the catalog's triggered job WHEN synthesized THEN BlobCreated events under its container and prefix only, case-sensitive", () => {
    expect(trigger.subjectPrefix).toBe(`/blobServices/default/containers/${job.trigger!.bucket}/blobs/${job.trigger!.prefix}`);
    expect(subscription()).toMatchObject({ included_event_types: ["Microsoft.Storage.BlobCreated"], subject_filter: { subject_begins_with: trigger.subjectPrefix, case_sensitive: true } });
  });

  test("GIVEN delivery THEN the topic's own identity sends to the queue and dead-letters into a private container, retried for 24 hours", () => {
    expect(subscription()).toMatchObject({
      delivery_identity: { type: "SystemAssigned" }, dead_letter_identity: { type: "SystemAssigned" },
      retry_policy: { max_delivery_attempts: 30, event_time_to_live: 24 * 60 },
      storage_queue_endpoint: expect.objectContaining({ queue_message_time_to_live_in_seconds: 7 * 24 * 3600 }),
    });
    const roles = resources(json, "azurerm_role_assignment").map((r) => r.role_definition_name).sort();
    expect(roles).toEqual(expect.arrayContaining(["Storage Blob Data Contributor", "Storage Queue Data Message Sender", "Storage Queue Data Message Processor"]));
    expect(resources(json, "azurerm_storage_container").find((c) => c.name === "dead-letters")).toMatchObject({ container_access_type: "private" });
  });

  test("GIVEN the queue account THEN TLS 1.2, HTTPS only, no public blobs, OAuth by default (shared keys only because KEDA needs a connection string)", () => {
    const account = resources(json, "azurerm_storage_account").find((a) => String(a.name).includes("evt"))!;
    expect(account).toMatchObject({ min_tls_version: "TLS1_2", https_traffic_only_enabled: true, allow_nested_items_to_be_public: false, default_to_oauth_authentication: true, cross_tenant_replication_enabled: false, local_user_enabled: false, shared_access_key_enabled: true });
    expect(String(account.name).length).toBeLessThanOrEqual(24);
  });

  test("GIVEN the job's scaler THEN the queue's connection string reaches it only as a Key Vault secret", () => {
    expect(resources(json, "azurerm_storage_queue").map((q) => q.name)).toEqual([`${job.name}-events`]);
    expect(resources(json, "azurerm_key_vault_secret")).toContainEqual(expect.objectContaining({ name: `${job.name}-queue-connection`, content_type: "reference" }));
  });

  test.each<[string, Partial<DataTriggerProps>, string]>([
    ["a leading slash", { prefix: "/incoming/" }, 'prefix is relative to the container; got "/incoming/" (drop the leading /)'],
    ["0 retry hours", { retryHours: 0 }, "retryHours must be 1 to 24; got 0"],
    ["25 retry hours", { retryHours: 25 }, "retryHours must be 1 to 24; got 25"],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_c, over, message) => {
    expect(() => build(over)).toThrow(message);
  });
});
