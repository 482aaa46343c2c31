import { resourceCheck } from "./private/resource-check";

/** A PostgreSQL Flexible Server is reached through a private endpoint (Checkov's graph check: an endpoint connected to it). */
export const azurePostgresPrivateEndpoint = resourceCheck({
  id: "MLOPS-AZURE-POSTGRES-PRIVATE-ENDPOINT",
  description: "A PostgreSQL Flexible Server has a private endpoint.",
  scanners: { checkov: ["CKV2_AZURE_57"] },
  types: ["azurerm_postgresql_flexible_server"],
  problem: (r) => (r.related("azurerm_private_endpoint").length > 0 ? undefined : "no azurerm_private_endpoint connects to this server"),
});
