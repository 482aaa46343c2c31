import { isSet, resourceCheck } from "./private/resource-check";

/**
 * Classic Storage Analytics logging of the queue service (Checkov CKV_AZURE_33 reads the account's
 * `queue_properties.logging`, a block azurerm v4.55.0 deprecates: internal/services/storage/storage_account_resource.go,
 * "superseded by the azurerm_storage_account_queue_properties resource").
 */
export const azureStorageQueueClassicLogging = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-QUEUE-CLASSIC-LOGGING",
  description: "A storage account has classic Storage Analytics logging for its queue service (queue_properties.logging).",
  scanners: { checkov: ["CKV_AZURE_33"] },
  types: ["azurerm_storage_account"],
  problem: (r) => {
    const q = r.attributes.queue_properties as { logging?: unknown } | { logging?: unknown }[] | undefined;
    const logging = Array.isArray(q) ? q[0]?.logging : q?.logging;
    return isSet(logging) ? undefined : "no queue_properties.logging (classic Storage Analytics)";
  },
});
