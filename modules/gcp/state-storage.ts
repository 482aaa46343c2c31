/**
 * The Cloud Storage bucket that holds an (environment, project)'s Terraform state: versioned (the gcs
 * backend's state history), uniform bucket-level access, public access prevention enforced, soft
 * delete (a deleted state object can be restored for `softDeleteDays`), overwritten versions kept for
 * `noncurrentVersionDays`, `force_destroy` off and `prevent_destroy` on. The gcs backend locks with a
 * lock object beside the state; Google encrypts at rest by default.
 *
 * Deliberately not created: a CMEK key (it would live in the platform stack, which needs this bucket
 * first), access logs, retention lock (it would stop Terraform from ever rewriting state).
 */
import { Construct } from "constructs";
import { StorageBucket } from "@cdktf/provider-google/lib/storage-bucket";
import { ValidationError } from "../core/errors";

export interface StateStorageProps {
  /** Bucket name, exactly as the backend names it. */
  readonly bucket: string;
  /** The project's region; the bucket is regional there. */
  readonly location: string;
  /** Days a deleted object stays restorable (7-90; 0 turns soft delete off, which we never do). @default 30 */
  readonly softDeleteDays?: number;
  /** Days an overwritten state version is kept. @default 365 */
  readonly noncurrentVersionDays?: number;
  /** Labels for the bucket. @default {} */
  readonly labels?: Record<string, string>;
}

/** The state bucket. */
export class StateStorage extends Construct {
  readonly bucket: StorageBucket;

  constructor(scope: Construct, id: string, props: StateStorageProps) {
    super(scope, id);
    const softDeleteDays = props.softDeleteDays ?? 30;
    const noncurrentDays = props.noncurrentVersionDays ?? 365;
    // Cloud Storage accepts a soft-delete retention of 7 to 90 days (or 0 for off).
    if (!Number.isInteger(softDeleteDays) || softDeleteDays < 7 || softDeleteDays > 90) {
      throw new ValidationError(`softDeleteDays must be 7 to 90; got ${softDeleteDays}`, this);
    }
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new ValidationError(`noncurrentVersionDays must be a positive whole number; got ${noncurrentDays}`, this);
    }
    // google 6.50 (google/services/storage/resource_storage_bucket.go): public_access_prevention and
    // uniform_bucket_level_access are Optional+Computed, soft_delete_policy.retention_duration_seconds
    // defaults to 604800 when the block is written without it; all three are set here explicitly.
    this.bucket = new StorageBucket(this, "bucket", {
      name: props.bucket,
      location: props.location, // the provider upper-cases it in state (StateFunc)
      storageClass: "STANDARD",
      forceDestroy: false,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      softDeletePolicy: { retentionDurationSeconds: softDeleteDays * 86_400 },
      lifecycleRule: [
        { condition: { daysSinceNoncurrentTime: noncurrentDays, withState: "ARCHIVED" }, action: { type: "Delete" } },
        { condition: { age: 1 }, action: { type: "AbortIncompleteMultipartUpload" } },
      ],
      labels: props.labels,
      lifecycle: { preventDestroy: true },
    });
  }
}
