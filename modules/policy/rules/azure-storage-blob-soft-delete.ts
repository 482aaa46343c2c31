import { resourceCheck } from "./private/resource-check";

const first = (v: unknown): Record<string, unknown> | undefined => (Array.isArray(v) ? v[0] : v) as Record<string, unknown> | undefined;

/** Deleted blobs can be restored (Checkov CKV2_AZURE_38: blob_properties.delete_retention_policy). */
export const azureStorageBlobSoftDelete = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-BLOB-SOFT-DELETE",
  description: "A storage account keeps deleted blobs (blob_properties.delete_retention_policy.days set).",
  scanners: { checkov: ["CKV2_AZURE_38"] },
  types: ["azurerm_storage_account"],
  problem: (r) => {
    const days = first(first(r.attributes.blob_properties)?.delete_retention_policy)?.days;
    return typeof days === "number" && days >= 1 ? undefined : "no blob_properties.delete_retention_policy.days";
  },
});
