/** Remote state per (environment, cloud): one state file per stack, locked and encrypted. */
import { AzurermBackend, GcsBackend, LocalBackend, S3Backend, TerraformStack } from "cdktf";
import type { BackendConfig } from "../environments/schema";

/**
 * Configures the stack's backend. S3 uses a lock file beside the state (no DynamoDB table) and
 * server-side encryption; `local` keeps `terraform.<stack>.tfstate` in the stack's folder.
 */
export function configureBackend(stack: TerraformStack, backend: BackendConfig, stackName: string): void {
  switch (backend.type) {
    case "s3": {
      const s3 = new S3Backend(stack, {
        bucket: backend.bucket,
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
        region: backend.region,
        encrypt: true,
        kmsKeyId: backend.kmsKeyId,
      });
      // cdktf 0.21's typed config predates use_lockfile (Terraform 1.10+ S3-native locking).
      s3.addOverride("use_lockfile", true);
      return;
    }
    case "azurerm":
      new AzurermBackend(stack, {
        resourceGroupName: backend.resourceGroupName,
        storageAccountName: backend.storageAccountName,
        containerName: backend.containerName,
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
        useAzureadAuth: true,
      });
      return;
    case "gcs":
      new GcsBackend(stack, { bucket: backend.bucket, prefix: `${backend.prefix}/${stackName}` });
      return;
    case "local":
      new LocalBackend(stack, { path: backend.path ?? `terraform.${stackName}.tfstate` });
      return;
  }
}
