/**
 * The platform's buckets: raw, processed and viz data (the seeds' DVC remotes) and MLflow's
 * artifact store. Each is versioned, encrypted by default (SSE-KMS with a bucket key, or SSE-S3),
 * has all four public-access blocks, enforced ownership (no ACLs), a policy denying plain HTTP
 * and TLS below 1.2, and a lifecycle rule expiring noncurrent versions. With access logging on
 * (prod), a separate log bucket receives server access logs (SSE-S3: S3 cannot log into SSE-KMS).
 *
 * It deliberately does not grant anyone access: identities get bucket access from their own
 * policies (container-service.ts), so a bucket policy never has to name every consumer.
 */
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import { S3BucketNotification } from "@cdktf/provider-aws/lib/s3-bucket-notification";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { BUCKET_PURPOSES, BucketPurpose } from "../core/workload-spec";
import { PlatformObjectStorage } from "../core/contracts";
import { lookup, ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { hardenedBucket, HardenedBucket } from "./private/hardened-bucket";

export interface ObjectStorageProps {
  readonly naming: Naming;
  readonly accountId: string;
  /** `kms` needs `customerManagedKey`; `managed` is SSE-S3. @default "kms" */
  readonly encryption?: "kms" | "managed";
  readonly customerManagedKey?: string;
  /** Days a replaced or deleted object version is kept. @default 30 */
  readonly noncurrentVersionExpirationDays?: number;
  /** Server access logs into a dedicated log bucket. @default false */
  readonly accessLogging?: boolean;
  /** Days access logs are kept. @default 365 */
  readonly accessLogRetentionDays?: number;
  /** Allow `terraform destroy` to delete non-empty buckets (throwaway environments only). @default false */
  readonly forceDestroy?: boolean;
  /** Buckets whose object events go to EventBridge (data arrival triggers). @default - none */
  readonly eventBridgeBuckets?: readonly BucketPurpose[];
}

/** The four data buckets, plus the access-log bucket when logging is on. */
export class ObjectStorage extends Construct implements PlatformObjectStorage {
  readonly buckets: Record<BucketPurpose, S3Bucket>;
  readonly logBucket?: S3Bucket;
  /** The log bucket's policy granting logging.s3: anything logging into `logBucket` must be created after it. */
  readonly logBucketPolicy?: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: ObjectStorageProps) {
    super(scope, id);
    const encryption = props.encryption ?? "kms";
    const noncurrentDays = props.noncurrentVersionExpirationDays ?? 30;
    const forceDestroy = props.forceDestroy ?? false;
    if (encryption === "kms" && !props.customerManagedKey) {
      throw new ValidationError('encryption "kms" needs customerManagedKey; pass the environment key or choose "managed"', this);
    }
    if (noncurrentDays < 1) throw new ValidationError(`noncurrentVersionExpirationDays must be at least 1; got ${noncurrentDays}`, this);
    const n = props.naming;

    // S3 checks the target's logging.s3 grant when logging is enabled (InvalidTargetBucketForLogging).
    let logPolicy: S3BucketPolicy | undefined;
    if (props.accessLogging) {
      const { bucket, policy } = this.hardened("access-logs", n.bounded(63, "access-logs", props.accountId), {
        encryption: "managed",
        forceDestroy,
        noncurrentDays,
        expireCurrentDays: props.accessLogRetentionDays ?? 365,
        extraStatements: (arn) => [
          {
            Sid: "S3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `${arn}/*`,
            Condition: { StringEquals: { "aws:SourceAccount": props.accountId } },
          },
        ],
      });
      this.logBucket = bucket;
      this.logBucketPolicy = policy;
      logPolicy = policy;
    }

    const buckets = {} as Record<BucketPurpose, S3Bucket>;
    for (const purpose of BUCKET_PURPOSES) {
      const { bucket } = this.hardened(purpose, n.bounded(63, purpose, props.accountId), {
        encryption,
        customerManagedKey: props.customerManagedKey,
        forceDestroy,
        noncurrentDays,
      });
      if (this.logBucket) {
        new S3BucketLoggingA(this, `${purpose}-logging`, { bucket: bucket.id, targetBucket: this.logBucket.id, targetPrefix: `${purpose}/`, dependsOn: logPolicy ? [logPolicy] : [] });
      }
      buckets[purpose] = bucket;
    }
    this.buckets = buckets;
    for (const purpose of props.eventBridgeBuckets ?? []) {
      new S3BucketNotification(this, `${purpose}-events`, { bucket: buckets[purpose].id, eventbridge: true });
    }
  }

  bucketName(purpose: BucketPurpose): string {
    return lookup(this, "bucket", this.buckets, purpose).bucket;
  }

  bucketArn(purpose: BucketPurpose): string {
    return lookup(this, "bucket", this.buckets, purpose).arn;
  }

  private hardened(
    id: string,
    name: string,
    o: {
      encryption: "kms" | "managed";
      customerManagedKey?: string;
      forceDestroy: boolean;
      noncurrentDays: number;
      expireCurrentDays?: number;
      extraStatements?: (arn: string) => object[];
    },
  ): HardenedBucket {
    return hardenedBucket(this, {
      name,
      idOf: (part) => (part === "bucket" ? id : `${id}-${part}`),
      forceDestroy: o.forceDestroy,
      customerManagedKey: o.encryption === "kms" ? o.customerManagedKey : undefined,
      noncurrentDays: o.noncurrentDays,
      lifecycleRuleId: "expire-noncurrent-versions",
      expireCurrentDays: o.expireCurrentDays,
      extraStatements: o.extraStatements,
    });
  }
}
