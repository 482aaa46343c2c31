/**
 * The bucket MWAA reads DAGs from: versioned (MWAA refuses an unversioned source bucket),
 * SSE-KMS with a bucket key (or SSE-S3 without a key), all four public-access blocks (MWAA refuses
 * a bucket without them), owner-enforced objects, a policy denying plain HTTP and TLS below 1.2,
 * and noncurrent versions expired after 30 days (every mirror run replaces objects). It holds DAGs
 * and the startup script; its server access logs go to the platform's access-log bucket when the
 * environment keeps them (`storage.accessLogging`).
 */
import { Construct } from "constructs";
import type { ITerraformDependable } from "cdktf";
import { S3BucketLoggingA } from "@cdktf/provider-aws/lib/s3-bucket-logging";
import type { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import type { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import type { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import type { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { hardenedBucket } from "./hardened-bucket";

export interface DagBucketProps {
  readonly name: string;
  /** @default - SSE-S3 */
  readonly kmsKeyArn?: string;
  readonly forceDestroy: boolean;
  /** The platform's access-log bucket: requests to this one are logged there under `airflow-dags/`. @default - none */
  readonly accessLogBucket?: string;
  /**
   * What logging into `accessLogBucket` waits for: its policy granting logging.s3 (S3 checks it when logging is
   * enabled, InvalidTargetBucketForLogging otherwise). @default - none
   */
  readonly accessLogDependsOn?: readonly ITerraformDependable[];
}

/** A hardened, versioned DAG bucket. */
export class DagBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;
  readonly publicAccess: S3BucketPublicAccessBlock;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: DagBucketProps) {
    super(scope, id);
    const hardened = hardenedBucket(this, {
      name: props.name,
      idOf: (part) => part,
      forceDestroy: props.forceDestroy,
      customerManagedKey: props.kmsKeyArn,
      noncurrentDays: 30,
      lifecycleRuleId: "expire-noncurrent-versions",
    });
    this.bucket = hardened.bucket;
    this.publicAccess = hardened.publicAccess;
    this.versioning = hardened.versioning;
    this.policy = hardened.policy;
    if (props.accessLogBucket) {
      new S3BucketLoggingA(this, "logging", { bucket: this.bucket.id, targetBucket: props.accessLogBucket, targetPrefix: "airflow-dags/", dependsOn: props.accessLogDependsOn ? [...props.accessLogDependsOn] : undefined });
    }
  }
}
