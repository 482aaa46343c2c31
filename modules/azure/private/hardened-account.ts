/**
 * The settings every storage account of the platform starts from (data, Terraform state, the trigger
 * queue), written once: StorageV2 Standard, HTTPS only with TLS 1.2+, no public blobs, Entra ID
 * (OAuth) by default instead of shared keys, no cross-tenant replication, no local (SFTP) users.
 * An account that must keep shared keys overrides `sharedAccessKeyEnabled` and says why.
 */
import type { StorageAccountConfig } from "@cdktf/provider-azurerm/lib/storage-account";

/** Spread first into a `StorageAccount`'s config; the caller adds name, place, replication and blob properties. */
export const HARDENED_ACCOUNT = {
  accountKind: "StorageV2",
  accountTier: "Standard",
  httpsTrafficOnlyEnabled: true,
  minTlsVersion: "TLS1_2",
  allowNestedItemsToBePublic: false,
  sharedAccessKeyEnabled: false,
  defaultToOauthAuthentication: true,
  crossTenantReplicationEnabled: false,
  localUserEnabled: false,
} as const satisfies Partial<StorageAccountConfig>;
