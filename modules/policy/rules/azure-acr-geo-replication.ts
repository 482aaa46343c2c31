import { isSet, resourceCheck } from "./private/resource-check";

/** A registry is replicated to another region. */
export const azureAcrGeoReplication = resourceCheck({
  id: "MLOPS-AZURE-ACR-GEO-REPLICATION",
  description: "A container registry is Premium with georeplications.",
  scanners: { checkov: ["CKV_AZURE_165"] },
  types: ["azurerm_container_registry"],
  problem: (r) => (r.attributes.sku === "Premium" && isSet(r.attributes.georeplications) ? undefined : "no georeplications"),
});
