/**
 * The S3 bucket that holds an (environment, AWS account)'s Terraform state: versioned (every state
 * write is a version, so a bad apply can be rolled back), encrypted (SSE-S3, or SSE-KMS with the
 * backend's `kmsKeyId`), every kind of public access blocked, object ownership enforced (no ACLs),
 * TLS 1.2+ only, and `prevent_destroy` so no plan can delete it. Locking needs no DynamoDB table:
 * the S3 backend's `use_lockfile` writes `<key>.tflock` beside the state.
 *
 * Deliberately not created: the KMS key (`kmsKeyId` names an existing one; it would otherwise be
 * state of the very stack that cannot exist before it), replication, access logging (a second
 * bucket whose only content would be the logs of reading one small file).
 */
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { ValidationError } from "../core/errors";
import { hardenedBucket } from "./private/hardened-bucket";

export interface StateStorageProps {
  /** Bucket name, exactly as the backend names it. */
  readonly bucket: string;
  /** KMS key (id, ARN or alias) for SSE-KMS. @default - SSE-S3 (AES256) */
  readonly kmsKeyId?: string;
  /** Days an overwritten state version is kept before it expires. @default 365 */
  readonly noncurrentVersionDays?: number;
}

/** The state bucket and its protections. */
export class StateStorage extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;

  constructor(scope: Construct, id: string, props: StateStorageProps) {
    super(scope, id);
    const noncurrentDays = props.noncurrentVersionDays ?? 365;
    if (!Number.isInteger(noncurrentDays) || noncurrentDays < 1) {
      throw new ValidationError(`noncurrentVersionDays must be a positive whole number; got ${noncurrentDays}`, this);
    }

    // force_destroy stays false: deleting the bucket must first empty it by hand.
    this.bucket = hardenedBucket(this, {
      name: props.bucket,
      idOf: (part) => part,
      forceDestroy: false,
      preventDestroy: true,
      customerManagedKey: props.kmsKeyId,
      noncurrentDays,
      lifecycleRuleId: "expire-old-state-versions",
    }).bucket;
    this.bucketName = props.bucket;
  }
}
