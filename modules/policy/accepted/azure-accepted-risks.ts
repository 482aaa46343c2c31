/** The Azure findings a stack keeps on purpose, and why (see aws-accepted-risks.ts for the shape). */
import { AcceptedRisk, RiskRegister, everyResource } from "../accepted-risk";
import { configChoice } from "./config-reason";

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
