/**
 * Where a stack's Terraform state lives, derived from the environment's backend config in one place:
 * `configureBackend` writes the backend block from it, and the `<env>-<cloud>-state` stack creates
 * exactly the storage it names, so the two cannot drift apart.
 */
import type { BackendConfig } from "../environments/schema";

/** The storage a remote backend needs; the state-storage stack of the (environment, cloud) creates it. */
export type StateStorage =
  | { readonly type: "s3"; readonly bucket: string; readonly region: string; readonly kmsKeyId?: string }
  | { readonly type: "azurerm"; readonly resourceGroupName: string; readonly storageAccountName: string; readonly containerName: string }
  | { readonly type: "gcs"; readonly bucket: string };

/** A stack's backend: the storage (none for local state) and the state's place in it. */
export type StateLocation =
  | { readonly type: "s3"; readonly storage: Extract<StateStorage, { type: "s3" }>; readonly key: string }
  | { readonly type: "azurerm"; readonly storage: Extract<StateStorage, { type: "azurerm" }>; readonly key: string }
  | { readonly type: "gcs"; readonly storage: Extract<StateStorage, { type: "gcs" }>; readonly prefix: string }
  | { readonly type: "local"; readonly storage?: undefined; readonly path: string };

/** The one derivation of a stack's state location from `clouds.<cloud>.backend`. */
export function stateLocation(backend: BackendConfig, stackName: string): StateLocation {
  switch (backend.type) {
    case "s3":
      return {
        type: "s3",
        storage: { type: "s3", bucket: backend.bucket, region: backend.region, kmsKeyId: backend.kmsKeyId },
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
      };
    case "azurerm":
      return {
        type: "azurerm",
        storage: {
          type: "azurerm",
          resourceGroupName: backend.resourceGroupName,
          storageAccountName: backend.storageAccountName,
          containerName: backend.containerName,
        },
        key: `${backend.keyPrefix}/${stackName}.tfstate`,
      };
    case "gcs":
      return { type: "gcs", storage: { type: "gcs", bucket: backend.bucket }, prefix: `${backend.prefix}/${stackName}` };
    case "local":
      return { type: "local", path: backend.path ?? `terraform.${stackName}.tfstate` };
  }
}

/** Name of the stack that creates an (environment, cloud)'s state storage: `dev-aws-state`. */
export function stateStackName(env: string, cloud: string): string {
  return `${env}-${cloud}-state`;
}
