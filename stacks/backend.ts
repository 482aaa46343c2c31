/** Remote state per (environment, cloud): one state file per stack, locked and encrypted. */
import { AzurermBackend, GcsBackend, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { BackendConfig } from "../environments/schema";
import { stateLocation } from "./state-location";

/**
 * Configures the stack's backend. S3 uses a lock file beside the state (no DynamoDB table) and
 * server-side encryption; `local` keeps `terraform.<stack>.tfstate` in the stack's folder.
 * Names come from `stateLocation`, which the state-storage stack creates from too.
 */
export function configureBackend(stack: TerraformStack, backend: BackendConfig, stackName: string): void {
  const at = stateLocation(backend, stackName);
  switch (at.type) {
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: at.storage.bucket,
        key: at.key,
        region: at.storage.region,
        encrypt: true,
        kmsKeyId: at.storage.kmsKeyId,
      });
      // cdktf 0.21's typed config predates use_lockfile (Terraform 1.10+ S3-native locking).
      s3.addOverride("use_lockfile", true);
      return;
    }
    case "azurerm":
      new AzurermBackend(stack, {
        resourceGroupName: at.storage.resourceGroupName,
        storageAccountName: at.storage.storageAccountName,
        containerName: at.storage.containerName,
        key: at.key,
        useAzureadAuth: true,
      });
      return;
    case "gcs":
      new GcsBackend(stack, { bucket: at.storage.bucket, prefix: at.prefix });
      return;
    case "local":
      new LocalBackend(stack, { path: at.path });
      return;
  }
}
