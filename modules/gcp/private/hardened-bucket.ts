/**
 * The settings every platform bucket on Google Cloud shares (data buckets, their access-log bucket, a self-hosted
 * Airflow's DAG bucket): Standard class, uniform bucket-level access, public access prevention enforced, versioning,
 * the environment's key when it has one. Callers add lifecycle rules and logging.
 */
import type { StorageBucketConfig } from "@cdktf/provider-google/lib/storage-bucket";

export interface HardenedBucketInputs {
  readonly name: string;
  readonly projectId: string;
  readonly location: string;
  readonly forceDestroy: boolean;
  /** Cloud KMS key name. @default - Google-managed encryption */
  readonly customerManagedKey?: string;
}

/** The shared part of a bucket's configuration. */
export function hardenedBucketConfig(p: HardenedBucketInputs): StorageBucketConfig {
  return {
    name: p.name,
    project: p.projectId,
    location: p.location,
    storageClass: "STANDARD",
    uniformBucketLevelAccess: true,
    publicAccessPrevention: "enforced",
    versioning: { enabled: true },
    forceDestroy: p.forceDestroy,
    encryption: p.customerManagedKey ? { defaultKmsKeyName: p.customerManagedKey } : undefined,
  };
}
