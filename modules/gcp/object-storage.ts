/**
 * The platform's Cloud Storage buckets (raw, processed, viz, mlflow-artifacts): uniform
 * bucket-level access (no ACLs), public access prevention *enforced* (the Google module leaves it
 * "inherited"), object versioning with noncurrent versions expiring after N days, incomplete
 * multipart uploads aborted, an optional customer-managed key, and optional access logs into a
 * separate log bucket that keeps them for the log retention.
 *
 * Bucket names are global: `<prefix>-<env>-<purpose>-<project number>`. It deliberately grants no
 * access: each workload's identity gets a role on the buckets its spec names (ServiceIdentity).
 */
import { Construct } from "constructs";
import { StorageBucket, StorageBucketConfig } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { PlatformObjectStorage } from "../core/contracts";
import { lookup, ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { BUCKET_PURPOSES, BucketPurpose } from "../core/workload-spec";
import { hardenedBucketConfig } from "./private/hardened-bucket";

export interface ObjectStorageProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly region: string;
  /** Days a replaced or deleted object version is kept. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Cloud KMS key for every bucket (CMEK). @default - Google-managed encryption */
  readonly customerManagedKey?: string;
  /** Usage and storage logs into a log bucket. @default false */
  readonly accessLogging?: boolean;
  /** Days access logs are kept. @default 365 */
  readonly accessLogRetentionDays?: number;
  /** Let `terraform destroy` delete buckets that still hold objects (throwaway environments only). @default false */
  readonly forceDestroy?: boolean;
}

/** The four data buckets and, when asked, their log bucket. */
export class ObjectStorage extends Construct implements PlatformObjectStorage {
  readonly buckets: Readonly<Record<BucketPurpose, StorageBucket>>;
  readonly logBucket?: StorageBucket;

  constructor(scope: Construct, id: string, props: ObjectStorageProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    const logging = props.accessLogging ?? false;
    const logDays = props.accessLogRetentionDays ?? 365;
    const forceDestroy = props.forceDestroy ?? false;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new ValidationError(`noncurrentVersionExpirationDays must be a positive integer; got ${noncurrentDays}`, this);
    }
    const n = props.naming;
    const base = (purpose: string): StorageBucketConfig =>
      hardenedBucketConfig({ name: n.bounded(63, purpose, props.projectNumber), projectId: props.projectId, location: props.region, forceDestroy, customerManagedKey: props.customerManagedKey });

    if (logging) {
      this.logBucket = new StorageBucket(this, "access-logs", {
        ...base("access-logs"),
        lifecycleRule: [
          { condition: { age: logDays }, action: { type: "Delete" } },
          { condition: { daysSinceNoncurrentTime: 1 }, action: { type: "Delete" } },
        ],
      });
      // Cloud Storage writes usage logs as this Google group; with uniform access it needs an IAM role.
      new StorageBucketIamMember(this, "access-logs-writer", {
        bucket: this.logBucket.name,
        role: "roles/storage.objectCreator",
        member: "group:cloud-storage-analytics@google.com",
      });
    }

    const buckets = {} as Record<BucketPurpose, StorageBucket>;
    for (const purpose of BUCKET_PURPOSES) {
      buckets[purpose] = new StorageBucket(this, purpose, {
        ...base(purpose),
        lifecycleRule: [
          { condition: { daysSinceNoncurrentTime: noncurrentDays }, action: { type: "Delete" } },
          { condition: { age: 1 }, action: { type: "AbortIncompleteMultipartUpload" } },
        ],
        logging: this.logBucket ? { logBucket: this.logBucket.name, logObjectPrefix: `${purpose}/` } : undefined,
      });
    }
    this.buckets = buckets;
  }

  bucketName(purpose: BucketPurpose): string {
    return lookup(this, "bucket", this.buckets, purpose).name;
  }
}
