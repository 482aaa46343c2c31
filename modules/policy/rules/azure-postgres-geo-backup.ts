import { resourceCheck } from "./private/resource-check";

/** A PostgreSQL Flexible Server keeps its backups in the paired region too. */
export const azurePostgresGeoBackup = resourceCheck({
  id: "MLOPS-AZURE-POSTGRES-GEO-BACKUP",
  description: "A PostgreSQL Flexible Server has geo_redundant_backup_enabled.",
  scanners: { checkov: ["CKV_AZURE_136"] },
  types: ["azurerm_postgresql_flexible_server"],
  problem: (r) => (r.attributes.geo_redundant_backup_enabled === true ? undefined : "geo_redundant_backup_enabled is not true"),
});
