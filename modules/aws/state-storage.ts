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
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { ValidationError } from "../core/errors";import { tlsOnlyStatements } from "./private/tls-only-statements";


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
    this.bucket = new S3Bucket(this, "bucket", { bucket: props.bucket, forceDestroy: false, lifecycle: { preventDestroy: true } });
    this.bucketName = props.bucket;
    const bucket = this.bucket;
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
    const versioning = new S3BucketVersioningA(this, "versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: bucket.id,
      rule: [
        props.kmsKeyId
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyId }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: bucket.id,
      dependsOn: [versioning], // noncurrent-version rules on a bucket still being versioned race
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, "policy", {
      bucket: bucket.id,
      // S3 rejects concurrent bucket-policy and public-access-block writes ("conflicting conditional operation").
      dependsOn: [publicAccess],
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          ...tlsOnlyStatements(bucket.arn),
        ],
      }),
    });
  }
}
