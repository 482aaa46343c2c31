/** The Azure pack: the core rules for every cloud plus the rules for the Azure resources the platform creates. */
import { CORE_PACK } from "./core-pack";
import { PackEntry } from "./rule";
import { azureAcrAdmin } from "./rules/azure-acr-admin";
import { azureAdminOnlyBuilder } from "./rules/azure-admin-only-builder";
import { azureDeveloperNoData } from "./rules/azure-developer-no-data";
import { azureAppLiteralSecrets } from "./rules/azure-app-literal-secrets";
import { azureFederatedCredentialScoped } from "./rules/azure-federated-credential-scoped";
import { azureKeyVaultPurgeProtection } from "./rules/azure-keyvault-purge-protection";
import { azurePostgresPrivate } from "./rules/azure-postgres-private";
import { azureStoragePublicAccess } from "./rules/azure-storage-public-access";
import { azureStorageSharedKey } from "./rules/azure-storage-shared-key";
import { azureStorageTls } from "./rules/azure-storage-tls";
import { azureKeyVaultSecretExpiry } from "./rules/azure-keyvault-secret-expiry";
import { azureAcrPremiumHardening } from "./rules/azure-acr-premium-hardening";
import { azureAcrSignedImages } from "./rules/azure-acr-signed-images";
import { azureAcrGeoReplication } from "./rules/azure-acr-geo-replication";
import { azureAcrQuarantine } from "./rules/azure-acr-quarantine";
import { azurePostgresPrivateEndpoint } from "./rules/azure-postgres-private-endpoint";
import { azurePostgresGeoBackup } from "./rules/azure-postgres-geo-backup";
import { azureStoragePublicNetwork } from "./rules/azure-storage-public-network";
import { azureKeyVaultPublicNetwork } from "./rules/azure-keyvault-public-network";
import { azureStorageGeoReplication } from "./rules/azure-storage-geo-replication";
import { azureStorageCmk } from "./rules/azure-storage-cmk";
import { azureStorageQueueClassicLogging } from "./rules/azure-storage-queue-classic-logging";
import { azureBlobStorageInsights } from "./rules/azure-blob-storage-insights";
import { azureStorageBlobSoftDelete } from "./rules/azure-storage-blob-soft-delete";
import { azureStorageSasExpiry } from "./rules/azure-storage-sas-expiry";
import { azureStoragePrivateEndpoint } from "./rules/azure-storage-private-endpoint";

/**
 * The exact counterparts of scanner checks (issue 16, Checkov 3.3.13 on the synthesized stacks): each
 * rule names its Checkov/Trivy ids; the ones a stack keeps are in `accepted/azure-accepted-risks.ts`.
 */
import { azureAppImagePinned } from "./rules/azure-app-image-pinned";

export const AZURE_SCANNER_CHECKS: readonly PackEntry[] = [
  { rule: azureKeyVaultSecretExpiry, level: "error" },
  { rule: azureAcrPremiumHardening, level: "error" },
  { rule: azureAcrSignedImages, level: "error" },
  { rule: azureAcrGeoReplication, level: "error" },
  { rule: azureAcrQuarantine, level: "error" },
  { rule: azurePostgresPrivateEndpoint, level: "error" },
  { rule: azurePostgresGeoBackup, level: "error" },
  { rule: azureStoragePublicNetwork, level: "error" },
  { rule: azureKeyVaultPublicNetwork, level: "error" },
  { rule: azureStorageGeoReplication, level: "error" },
  { rule: azureStorageCmk, level: "error" },
  { rule: azureStorageQueueClassicLogging, level: "error" },
  { rule: azureBlobStorageInsights, level: "error" },
  { rule: azureStorageBlobSoftDelete, level: "error" },
  { rule: azureStorageSasExpiry, level: "error" },
  { rule: azureStoragePrivateEndpoint, level: "error" },
];

/** Rules for `<env>-azure` stacks. */
export const AZURE_PACK: readonly PackEntry[] = [
  ...CORE_PACK,
  { rule: azureStoragePublicAccess, level: "error" },
  { rule: azureStorageTls, level: "error" },
  { rule: azureStorageSharedKey, level: "error" },
  { rule: azureAcrAdmin, level: "error" },
  { rule: azureKeyVaultPurgeProtection, level: "error" },
  { rule: azureAppLiteralSecrets, level: "error" },
  { rule: azurePostgresPrivate, level: "error" },
  { rule: azureFederatedCredentialScoped, level: "error" },
  { rule: azureAdminOnlyBuilder, level: "error" },
  { rule: azureDeveloperNoData, level: "error" },
  { rule: azureAppImagePinned, level: "error" },
  ...AZURE_SCANNER_CHECKS,
];
