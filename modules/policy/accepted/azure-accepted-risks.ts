/** The Azure findings a stack keeps on purpose, and why (see aws-accepted-risks.ts for the shape). */
import { AcceptedRisk, RiskRegister, everyResource, pathEndsWith } from "../accepted-risk";
import { configChoice, managedKeys } from "./config-reason";

/** The data trigger's queue account (modules/azure/data-trigger.ts): trigger messages only, no data. */
const queueAccount = pathEndsWith("queue-account");

const ALWAYS: readonly AcceptedRisk[] = [
  {
    ruleId: "MLOPS-AZURE-KEYVAULT-SECRET-EXPIRY",
    resources: "every Key Vault secret",
    appliesTo: everyResource,
    reason: "values are set out of band and rotated by writing a new version; an expiry date rotates nothing, it only makes every app that reads the secret fail once it passes",
  },
  {
    ruleId: "MLOPS-AZURE-ACR-SIGNED-IMAGES",
    resources: "the container registry",
    appliesTo: everyResource,
    reason: "ACR's Docker Content Trust is deprecated by Microsoft in favour of Notary Project signing; apps run images pinned by digest from the promoted manifest, which is the integrity signing would give",
  },
  {
    ruleId: "MLOPS-AZURE-ACR-GEO-REPLICATION",
    resources: "the container registry",
    appliesTo: everyResource,
    reason: "single-region platform by design: the apps run in one location, a replica elsewhere serves nobody, and images can be imported again from the build environment's registry (images.yml)",
  },
  {
    ruleId: "MLOPS-AZURE-ACR-QUARANTINE",
    resources: "the container registry",
    appliesTo: everyResource,
    reason: "nothing would release a quarantined image (that needs a scanner calling the quarantine API); images are built by images.yml and promoted by digest through the metric gate",
  },
  {
    ruleId: "MLOPS-AZURE-POSTGRES-PRIVATE-ENDPOINT",
    resources: "the MLflow PostgreSQL server",
    appliesTo: everyResource,
    reason: "the server is VNet-integrated (delegated subnet, public network access off, MLOPS-AZURE-POSTGRES-PRIVATE); Azure offers private endpoints only to servers created with public access, never to VNet-integrated ones",
  },
  {
    ruleId: "MLOPS-AZURE-STORAGE-PUBLIC-NETWORK",
    resources: "every storage account",
    appliesTo: everyResource,
    reason:
      "deploys run on GitHub-hosted runners, which reach the data plane (the DAG mirror, the queue account's connection string) through the firewall: default Deny, Azure services and allowedIpRanges only, the runner's address added for the job and removed after it (deploy.yml); with public network access off they could not. Workloads use the private endpoint. Fix with a VNet-attached runner",
  },
  {
    ruleId: "MLOPS-AZURE-KEYVAULT-PUBLIC-NETWORK",
    resources: "the Key Vault",
    appliesTo: everyResource,
    reason:
      "Terraform writes the generated secrets through the vault's data plane from GitHub-hosted runners, which get through a default-Deny firewall only for the deploy job (deploy.yml adds and removes the runner's address); workloads use the private endpoint. Fix with a VNet-attached runner, then turn public network access off",
  },
  {
    ruleId: "MLOPS-AZURE-STORAGE-QUEUE-CLASSIC-LOGGING",
    resources: "every storage account",
    appliesTo: everyResource,
    reason:
      "classic Storage Analytics logging (queue_properties.logging, deprecated in azurerm 4.x); queue reads, writes and deletes go to Log Analytics through the queue service's Azure Monitor diagnostic setting instead (trigger-<job>/queue-diagnostics), and the data account has no queues",
  },
  {
    ruleId: "MLOPS-AZURE-BLOB-STORAGE-INSIGHTS",
    resources: "every storage account",
    appliesTo: everyResource,
    reason:
      "Storage Insights reads classic Storage Analytics logs; blob reads, writes and deletes go to Log Analytics through Azure Monitor diagnostic settings instead (storage/blob-diagnostics when storage.accessLogging, the queue account's queue-diagnostics)",
  },
  {
    ruleId: "MLOPS-AZURE-STORAGE-PRIVATE-ENDPOINT",
    resources: "the data trigger's queue account",
    appliesTo: queueAccount,
    reason:
      "holds trigger messages only (blob URLs, no content); Event Grid delivers into it from outside the VNet and the KEDA scaler reads it with a connection string kept in Key Vault; TLS 1.2, no public blobs, SAS tokens expire within an hour. A private endpoint (and public access off) is the next step once Event Grid delivery through the trusted-service bypass is tested",
  },
];

/** The Azure register: the fixed choices plus those the environment config makes. */
export const azureAcceptedRisks: RiskRegister = (env) => {
  const risks: AcceptedRisk[] = [...ALWAYS];
  const azure = env.clouds.azure;
  const zoneRedundant = azure?.network.zoneRedundant ?? false;
  // stacks/azure-platform-stack.ts: the SKU defaults to Premium only for a zone-redundant network.
  const sku = azure?.registrySku ?? (zoneRedundant ? "Premium" : "Basic");
  if (sku !== "Premium" || !zoneRedundant) {
    risks.push({
      ruleId: "MLOPS-AZURE-ACR-PREMIUM-HARDENING",
      resources: "the container registry",
      appliesTo: everyResource,
      reason:
        sku !== "Premium"
          ? azure?.registrySku
            ? configChoice(env, "clouds.azure.registrySku", sku, `a ${sku} registry has no private endpoint, retention, zone redundancy or dedicated data endpoint`)
            : configChoice(env, "clouds.azure.network.zoneRedundant", false, `with clouds.azure.registrySku unset the registry is ${sku}, which has no private endpoint, retention, zone redundancy or dedicated data endpoint`)
          : configChoice(env, "clouds.azure.network.zoneRedundant", false, "the registry is not zone-redundant"),
    });
  }
  // One entry per rule: the queue account always, the data account too when the network is not zone-redundant.
  const queueReason =
    "the data trigger's queue account holds trigger messages only, kept 7 days at most: a region outage loses only events whose blobs are still in the data account and can be queued again";
  risks.push({
    ruleId: "MLOPS-AZURE-STORAGE-GEO-REPLICATION",
    resources: zoneRedundant ? "the data trigger's queue account" : "every storage account",
    appliesTo: zoneRedundant ? queueAccount : everyResource,
    reason: zoneRedundant
      ? queueReason
      : `${configChoice(env, "clouds.azure.network.zoneRedundant", false, "the data account is LRS (one datacenter); prod's is GZRS")}; and ${queueReason}`,
  });
  // CMK is not built yet (the key is created through the vault's data plane: the same runner limit as its public access).
  risks.push({
    ruleId: "MLOPS-AZURE-STORAGE-CMK",
    resources: "every storage account",
    appliesTo: everyResource,
    reason:
      env.storage.encryption === "kms"
        ? "Microsoft-managed keys with infrastructure (double) encryption for now: a customer-managed key needs a Key Vault key written through the vault's data plane, which deploys reach only through the firewall (see MLOPS-AZURE-KEYVAULT-PUBLIC-NETWORK); to be added with the VNet runner"
        : managedKeys(env),
  });
  if (env.resilience === "minimal") {
    risks.push({
      ruleId: "MLOPS-AZURE-POSTGRES-GEO-BACKUP",
      resources: "the MLflow PostgreSQL server",
      appliesTo: everyResource,
      reason: configChoice(env, "resilience", env.resilience, "backups stay in the server's region"),
    });
  }
  return risks;
};
