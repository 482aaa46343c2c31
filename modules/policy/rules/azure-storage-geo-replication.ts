import { resourceCheck } from "./private/resource-check";

/** Replication types that keep a copy in the paired region (Checkov CKV_AZURE_206 accepts these; ZRS fails it). */
export const GEO_REPLICATION_TYPES = ["GRS", "RAGRS", "GZRS", "RAGZRS"] as const;

/** A storage account survives the loss of its region. */
export const azureStorageGeoReplication = resourceCheck({
  id: "MLOPS-AZURE-STORAGE-GEO-REPLICATION",
  description: "A storage account replicates to the paired region (GRS, RA-GRS, GZRS or RA-GZRS).",
  scanners: { checkov: ["CKV_AZURE_206"] },
  types: ["azurerm_storage_account"],
  problem: (r) => {
    const t = String(r.attributes.account_replication_type ?? "");
    return (GEO_REPLICATION_TYPES as readonly string[]).includes(t.toUpperCase()) ? undefined : `account_replication_type is ${t || "unset"}, not one of ${GEO_REPLICATION_TYPES.join(", ")}`;
  },
});
