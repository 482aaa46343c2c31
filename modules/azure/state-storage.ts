/**
 * The storage account and blob container that hold an (environment, subscription)'s Terraform state,
 * in their own resource group: StorageV2, HTTPS only, TLS 1.2 minimum, no public blobs, shared keys
 * off (the azurerm backend reads state with Entra ID, `use_azuread_auth`), infrastructure (double)
 * encryption, blob versioning and soft delete for blobs and containers, a CanNotDelete lock on the
 * account, and `prevent_destroy` on the account and the container.
 *
 * The lock is inherited by everything scoped beneath the account, role assignments included: a grant
 * on the account (the platform stack's `builder-state`) cannot be deleted or replaced while it holds.
 * To replace one: `az lock delete --name <lock> --resource-group <rg> --resource <account>
 * --resource-type Microsoft.Storage/storageAccounts`, apply, and apply this stack again.
 *
 * The account stays on public endpoints with Entra ID auth: the workstation and CI runners reach it
 * from changing addresses, and a firewall would lock out the day-0 bootstrap that creates it.
 * Deliberately not created: private endpoint, customer-managed keys, diagnostic settings.
 */
import { Construct } from "constructs";
import { ManagementLock } from "@cdktf/provider-azurerm/lib/management-lock";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { ValidationError } from "../core/errors";
import { HARDENED_ACCOUNT } from "./private/hardened-account";

export interface StateStorageProps {
  readonly resourceGroupName: string;
  /** Account name, exactly as the backend names it (3-24 lowercase letters and digits, globally unique). */
  readonly storageAccountName: string;
  readonly containerName: string;
  readonly location: string;
  /** `GRS` keeps a copy in the paired region; state is small. @default "GRS" */
  readonly replication?: "LRS" | "ZRS" | "GRS" | "GZRS";
  /** Days a deleted or overwritten state blob (and a deleted container) can be restored (1-365). @default 30 */
  readonly softDeleteDays?: number;
}

/** Resource group, account, container and lock. */
export class StateStorage extends Construct {
  readonly resourceGroup: ResourceGroup;
  readonly account: StorageAccount;
  readonly container: StorageContainer;

  constructor(scope: Construct, id: string, props: StateStorageProps) {
    super(scope, id);
    const replication = props.replication ?? "GRS";
    const softDeleteDays = props.softDeleteDays ?? 30;
    if (!Number.isInteger(softDeleteDays) || softDeleteDays < 1 || softDeleteDays > 365) {
      throw new ValidationError(`softDeleteDays must be 1 to 365; got ${softDeleteDays}`, this);
    }

    this.resourceGroup = new ResourceGroup(this, "rg", { name: props.resourceGroupName, location: props.location, lifecycle: { preventDestroy: true } });
    this.account = new StorageAccount(this, "account", {
      ...HARDENED_ACCOUNT,
      name: props.storageAccountName,
      resourceGroupName: this.resourceGroup.name,
      location: props.location,
      accountReplicationType: replication,
      accessTier: "Hot",
      // ForceNew in azurerm 4.55 (internal/services/storage/storage_account_resource.go): set at creation.
      infrastructureEncryptionEnabled: true,
      sftpEnabled: false,
      publicNetworkAccessEnabled: true,
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: softDeleteDays },
        containerDeleteRetentionPolicy: { days: softDeleteDays },
      },
      lifecycle: { preventDestroy: true },
    });
    // storage_account_id (not the deprecated storage_account_name) makes azurerm 4.55 manage the container
    // through Resource Manager, so shared keys can stay off (internal/services/storage/storage_container_resource.go).
    this.container = new StorageContainer(this, "container", {
      name: props.containerName,
      storageAccountId: this.account.id,
      containerAccessType: "private",
      lifecycle: { preventDestroy: true },
    });
    new ManagementLock(this, "lock", {
      name: `${props.storageAccountName}-no-delete`,
      scope: this.account.id,
      lockLevel: "CanNotDelete",
      notes: "Terraform state of the MLOps platform: remove this lock only to retire the environment",
    });
  }
}
