/** The Azure pack: the core rules for every cloud plus the rules for the Azure resources the platform creates. */
import { CORE_PACK } from "./core-pack";
import { PackEntry } from "./rule";
import { azureAcrAdmin } from "./rules/azure-acr-admin";
import { azureAdminOnlyBuilder } from "./rules/azure-admin-only-builder";
import { azureAppLiteralSecrets } from "./rules/azure-app-literal-secrets";
import { azureFederatedCredentialScoped } from "./rules/azure-federated-credential-scoped";
import { azureKeyVaultPurgeProtection } from "./rules/azure-keyvault-purge-protection";
import { azurePostgresPrivate } from "./rules/azure-postgres-private";
import { azureStoragePublicAccess } from "./rules/azure-storage-public-access";
import { azureStorageSharedKey } from "./rules/azure-storage-shared-key";
import { azureStorageTls } from "./rules/azure-storage-tls";

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
];
