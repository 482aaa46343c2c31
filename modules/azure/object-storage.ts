/**
 * The platform's object storage: one StorageV2 account with a private container per bucket purpose
 * (raw, processed, viz, mlflow-artifacts). Secure by default, per AVM and Checkov:
 * HTTPS only, TLS 1.2 minimum, no public blob access, shared keys off (Entra ID everywhere, the
 * portal included), firewall default Deny with a private endpoint for Blob, blob versioning, soft
 * delete for blobs and containers, noncurrent versions expired after `noncurrentVersionExpirationDays`,
 * no cross-tenant replication. Access is granted per container to managed identities (`grant`).
 *
 * `encryption: "kms"` turns on infrastructure (double) encryption with Microsoft-managed keys;
 * customer-managed keys are not done. `accessLogging` sends Blob read/write/delete logs to Log Analytics.
 * When `forceDestroy` is false a CanNotDelete lock guards the account (Azure deletes a non-empty
 * account without asking, unlike S3). The lock is inherited by everything beneath the account, so it
 * also refuses to delete the per-container role assignments and the blob diagnostic setting: a change
 * that replaces one (a workload's bucket access changes, a renamed identity) fails with ScopeLocked.
 * That is kept on purpose (a lock on the containers alone would still let the account go); the README
 * ("Replacing something under a delete lock") has the three commands: delete the lock, apply, apply.
 *
 * Deliberately not created: static website, SFTP/local users, immutability policies, object replication.
 */
import { Construct } from "constructs";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { StorageManagementPolicy } from "@cdktf/provider-azurerm/lib/storage-management-policy";
import { BUCKET_PURPOSES, BucketAccess, BucketPurpose } from "../core/workload-spec";
import { PlatformObjectStorage } from "../core/contracts";
import { lookup, ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { addDiagnostics } from "./private/diagnostics";
import { alnumName } from "./private/names";
import { addPrivateEndpoint } from "./private/private-endpoint";
import type { Network } from "./network";
import { HARDENED_ACCOUNT } from "./private/hardened-account";

export interface ObjectStorageProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Seed for the globally unique account name (the subscription id). */
  readonly uniqueSeed: string;
  /** `ZRS` survives a zone outage; `LRS` is cheapest. @default "ZRS" */
  readonly replication?: "LRS" | "ZRS" | "GZRS";
  /** `kms`: infrastructure (double) encryption on; `managed`: the platform's single encryption. @default "kms" */
  readonly encryption?: "kms" | "managed";
  /** Days a deleted blob or container can be restored (1-365). @default 7 */
  readonly softDeleteDays?: number;
  /** Days before a noncurrent blob version is deleted. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Network for the Blob private endpoint. @default - no private endpoint */
  readonly network?: Network;
  /** Public CIDRs allowed through the firewall (deployer, CI). @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** Blob access logs to Log Analytics (needs `logWorkspaceId`). @default false */
  readonly accessLogging?: boolean;
  /** @default - no diagnostic settings */
  readonly logWorkspaceId?: string;
  /** false: a CanNotDelete lock protects the account and its data. @default false */
  readonly forceDestroy?: boolean;
}

/** The metric categories Azure exposes (and returns) for a storage service's diagnostic setting. */
export const STORAGE_METRICS = ["Capacity", "Transaction"] as const;

const ROLE: Record<BucketAccess, string> = {
  read: "Storage Blob Data Reader",
  "read-write": "Storage Blob Data Contributor",
};

/** Storage account, containers, lifecycle and access grants. */
export class ObjectStorage extends Construct implements PlatformObjectStorage {
  readonly account: StorageAccount;
  readonly accountName: string;
  readonly containers: Readonly<Record<BucketPurpose, StorageContainer>>;

  constructor(scope: Construct, id: string, props: ObjectStorageProps) {
    super(scope, id);
    const replication = props.replication ?? "ZRS";
    const encryption = props.encryption ?? "kms";
    const softDeleteDays = props.softDeleteDays ?? 7;
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    const allowed = props.allowedIpRanges ?? [];
    const accessLogging = props.accessLogging ?? false;
    const forceDestroy = props.forceDestroy ?? false;
    if (!Number.isInteger(softDeleteDays) || softDeleteDays < 1 || softDeleteDays > 365) {
      throw new ValidationError(`softDeleteDays must be 1 to 365; got ${softDeleteDays}`, this);
    }
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new ValidationError(`noncurrentVersionExpirationDays must be a positive whole number; got ${noncurrentDays}`, this);
    }
    if (accessLogging && !props.logWorkspaceId) {
      throw new ValidationError("accessLogging needs logWorkspaceId (the Log Analytics workspace the logs go to)", this);
    }

    this.account = new StorageAccount(this, "account", {
      ...HARDENED_ACCOUNT,
      name: alnumName(props.naming, 24, props.uniqueSeed, "data"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      accountReplicationType: replication,
      accessTier: "Hot",
      infrastructureEncryptionEnabled: encryption === "kms",
      sftpEnabled: false,
      publicNetworkAccessEnabled: true, // the firewall below denies by default; see network_rules
      networkRules: { defaultAction: "Deny", bypass: ["AzureServices", "Logging", "Metrics"], ipRules: allowed.map((r) => r.replace(/\/32$/, "")) },
      blobProperties: {
        versioningEnabled: true,
        changeFeedEnabled: true,
        changeFeedRetentionInDays: Math.max(softDeleteDays, 1),
        deleteRetentionPolicy: { days: softDeleteDays },
        containerDeleteRetentionPolicy: { days: softDeleteDays },
      },
    });
    this.accountName = this.account.name;

    const containers = {} as Record<BucketPurpose, StorageContainer>;
    for (const purpose of BUCKET_PURPOSES) {
      containers[purpose] = new StorageContainer(this, purpose, {
        name: purpose,
        storageAccountId: this.account.id,
        containerAccessType: "private",
      });
    }
    this.containers = containers;

    new StorageManagementPolicy(this, "lifecycle", {
      storageAccountId: this.account.id,
      rule: [
        {
          name: "expire-noncurrent-versions",
          enabled: true,
          filters: { blobTypes: ["blockBlob"] },
          actions: { version: { deleteAfterDaysSinceCreation: noncurrentDays } },
        },
      ],
    });

    if (props.network) {
      addPrivateEndpoint(this, "blob-endpoint", {
        network: props.network,
        name: props.naming.name("blob", "pe"),
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        resourceId: this.account.id,
        subresource: "blob",
        dnsZone: "privatelink.blob.core.windows.net",
      });
    }
    if (accessLogging) {
      addDiagnostics(this, "blob-diagnostics", `${this.account.id}/blobServices/default`, props.logWorkspaceId, ["allLogs"], STORAGE_METRICS);
    }
    if (!forceDestroy) {
      new ManagementLock(this, "lock", {
        name: "do-not-delete-data",
        scope: this.account.id,
        lockLevel: "CanNotDelete",
        notes: "Platform data (raw, processed, models). Set storage.forceDestroy to remove this lock first.",
      });
    }
  }

  /** The container name of a bucket purpose (containers live inside the account). */
  bucketName(purpose: BucketPurpose): string {
    return lookup(this, "bucket", this.containers, purpose).name;
  }

  /** Grants a managed identity read or read-write on one container (data plane RBAC, no keys). */
  allowAccess(id: string, principalId: string, purpose: BucketPurpose, access: BucketAccess): RoleAssignment {
    return new RoleAssignment(this, `${id}-${purpose}`, {
      // `id`, not the deprecated `resource_manager_id` (azurerm v4.55.0 storage_container_resource.go): for a
      // container made with storage_account_id both are the same Resource Manager id, so nothing is replaced.
      scope: lookup(this, "bucket", this.containers, purpose).id,
      roleDefinitionName: ROLE[access],
      principalId,
      principalType: "ServicePrincipal",
    });
  }
}
