/**
 * The S3 hardening every bucket of the platform gets, written once (object storage, state storage,
 * the MWAA DAG bucket): all four public-access blocks, owner-enforced objects (no ACLs), versioning,
 * default encryption (SSE-KMS with a bucket key, or SSE-S3 without a key), a lifecycle that expires
 * noncurrent versions and abandoned multipart uploads, and a policy that starts with the TLS-only
 * statements. Callers add what is theirs (logging, notifications, extra policy statements).
 */
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { tlsOnlyStatements } from "./tls-only-statements";

/** The resources the hardening makes, by construct id suffix. */
export type HardenedPart = "bucket" | "public-access" | "ownership" | "versioning" | "encryption" | "lifecycle" | "policy";

export interface HardenedBucketOptions {
  /** The bucket's name. */
  readonly name: string;
  /**
   * Construct id of each part in `scope`. Callers keep the ids their resources already have
   * (`raw`, `raw-public-access`, … in one scope; `bucket`, `public-access`, … in a construct of its own),
   * so no Terraform address moves.
   */
  readonly idOf: (part: HardenedPart) => string;
  readonly forceDestroy: boolean;
  /** Refuse any plan that destroys the bucket (`lifecycle.prevent_destroy`). @default false */
  readonly preventDestroy?: boolean;
  /** KMS key for SSE-KMS with a bucket key. @default - SSE-S3 (AES256) */
  readonly customerManagedKey?: string;
  /** Days a noncurrent version is kept. */
  readonly noncurrentDays: number;
  /** Id of the lifecycle rule (existing buckets keep theirs). */
  readonly lifecycleRuleId: string;
  /** Expire current objects after this many days. @default - never */
  readonly expireCurrentDays?: number;
  /** Statements after the TLS-only ones. @default - none */
  readonly extraStatements?: (bucketArn: string) => object[];
}

/** What callers wire further: logging waits for `policy`, MWAA for `versioning` and `publicAccess`. */
export interface HardenedBucket {
  readonly bucket: S3Bucket;
  readonly publicAccess: S3BucketPublicAccessBlock;
  readonly versioning: S3BucketVersioningA;
  readonly policy: S3BucketPolicy;
}

/** Creates a bucket with the platform's hardening in `scope`. */
export function hardenedBucket(scope: Construct, o: HardenedBucketOptions): HardenedBucket {
  const bucket = new S3Bucket(scope, o.idOf("bucket"), { bucket: o.name, forceDestroy: o.forceDestroy, lifecycle: o.preventDestroy ? { preventDestroy: true } : undefined });
  const publicAccess = new S3BucketPublicAccessBlock(scope, o.idOf("public-access"), {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new S3BucketOwnershipControls(scope, o.idOf("ownership"), { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
  const versioning = new S3BucketVersioningA(scope, o.idOf("versioning"), { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
  new S3BucketServerSideEncryptionConfigurationA(scope, o.idOf("encryption"), {
    bucket: bucket.id,
    rule: [
      o.customerManagedKey
        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: o.customerManagedKey }, bucketKeyEnabled: true }
        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ],
  });
  new S3BucketLifecycleConfiguration(scope, o.idOf("lifecycle"), {
    bucket: bucket.id,
    dependsOn: [versioning], // noncurrent-version rules on a bucket still being versioned race
    rule: [
      {
        id: o.lifecycleRuleId,
        status: "Enabled",
        filter: [{ prefix: "" }],
        noncurrentVersionExpiration: [{ noncurrentDays: o.noncurrentDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        ...(o.expireCurrentDays ? { expiration: [{ days: o.expireCurrentDays }] } : {}),
      },
    ],
  });
  const policy = new S3BucketPolicy(scope, o.idOf("policy"), {
    bucket: bucket.id,
    // S3 rejects concurrent bucket-policy and public-access-block writes ("conflicting conditional operation").
    dependsOn: [publicAccess],
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [...tlsOnlyStatements(bucket.arn), ...(o.extraStatements?.(bucket.arn) ?? [])] }),
  });
  return { bucket, publicAccess, versioning, policy };
}
