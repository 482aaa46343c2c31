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
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
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
  private readonly kmsKeyArn?: string;

  constructor(scope: Construct, id: string, props: DagBucketProps) {
    super(scope, id);
    this.kmsKeyArn = props.kmsKeyArn;
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

  /**
   * Lets a role mirror DAGs into `dags/` (the deploy workflow's builder): list the bucket under
   * `dags/`, put, get and delete objects there, nothing else; the key when the bucket uses one.
   */
  allowWriter(id: string, roleName: string): IamRolePolicy {
    const arn = this.bucket.arn;
    const policy = new IamRolePolicy(this, id, {
      role: roleName,
      name: "mirror-dags",
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "ListDagBucket", Effect: "Allow", Action: "s3:ListBucket", Resource: arn, Condition: { StringLike: { "s3:prefix": ["dags/*", "dags/"] } } },
          { Sid: "MirrorDags", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `${arn}/dags/*` },
          ...(this.kmsKeyArn ? [{ Sid: "DagBucketKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: this.kmsKeyArn }] : []),
        ],
      }),
    });
    return policy;
  }
}
