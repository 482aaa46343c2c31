/**
 * The one S3 hardening: every bucket the platform makes (data, access logs, state, MWAA DAGs) gets
 * the same companions, so no bucket can be made without one of them.
 */
import { ObjectStorage } from "../../../../modules/aws/object-storage";
import { StateStorage } from "../../../../modules/aws/state-storage";
import { DagBucket } from "../../../../modules/aws/private/dag-bucket";
import { hardenedBucket } from "../../../../modules/aws/private/hardened-bucket";
import { resources, StackJson, synthStack } from "../../../support/synth";
import { ACCOUNT, AWS_NAMING, awsTestStack } from "../aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
const COMPANIONS = ["aws_s3_bucket_public_access_block", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_versioning", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_policy"];

describe("hardenedBucket", () => {
  let json: StackJson;
  beforeAll(() => {
    const stack = awsTestStack();
    new ObjectStorage(stack, "storage", { naming: AWS_NAMING, accountId: ACCOUNT, customerManagedKey: KEY, accessLogging: true });
    new StateStorage(stack, "state", { bucket: "b-tfstate" });
    new DagBucket(stack, "dags", { name: "b-dags", forceDestroy: false, kmsKeyArn: KEY });
    json = synthStack(stack);
  });

  test("GIVEN data, log, state and DAG buckets THEN each has every companion, once", () => {
    const buckets = resources(json, "aws_s3_bucket");
    expect(buckets).toHaveLength(4 + 1 + 1 + 1);
    for (const type of COMPANIONS) expect(resources(json, type)).toHaveLength(buckets.length);
  });

  test("GIVEN any bucket THEN all four public-access blocks, owner-enforced objects, versioning on, a 7-day multipart abort", () => {
    for (const b of resources(json, "aws_s3_bucket_public_access_block")) {
      expect(b).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    }
    for (const o of resources(json, "aws_s3_bucket_ownership_controls")) expect(o).toMatchObject({ rule: { object_ownership: "BucketOwnerEnforced" } });
    for (const v of resources(json, "aws_s3_bucket_versioning")) expect(v).toMatchObject({ versioning_configuration: { status: "Enabled" } });
    for (const l of resources(json, "aws_s3_bucket_lifecycle_configuration")) {
      expect(l.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_versioning\./)]);
      expect((l.rule as Record<string, unknown>[])[0]).toMatchObject({ status: "Enabled", abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    }
  });

  test("GIVEN any bucket THEN its policy denies plain HTTP and TLS below 1.2 and waits for the public-access block", () => {
    for (const p of resources(json, "aws_s3_bucket_policy")) {
      const sids = (JSON.parse(p.policy as string) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
      expect(sids.slice(0, 2)).toEqual(["DenyInsecureTransport", "DenyOutdatedTls"]);
      expect(p.depends_on).toEqual([expect.stringMatching(/^aws_s3_bucket_public_access_block\./)]);
    }
  });

  test("GIVEN a key or none THEN SSE-KMS with a bucket key, else SSE-S3; prevent_destroy only where asked", () => {
    const stack = awsTestStack();
    hardenedBucket(stack, { name: "with-key", idOf: (p) => `k-${p}`, forceDestroy: true, customerManagedKey: KEY, noncurrentDays: 3, lifecycleRuleId: "r", expireCurrentDays: 9 });
    hardenedBucket(stack, { name: "no-key", idOf: (p) => `n-${p}`, forceDestroy: false, preventDestroy: true, noncurrentDays: 3, lifecycleRuleId: "r" });
    const j = synthStack(stack);
    const [withKey, noKey] = resources(j, "aws_s3_bucket_server_side_encryption_configuration");
    expect(withKey.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: KEY }, bucket_key_enabled: true }]);
    expect(noKey.rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }]);
    const [kb, nb] = resources(j, "aws_s3_bucket");
    expect(kb).toMatchObject({ bucket: "with-key", force_destroy: true });
    expect(kb.lifecycle).toBeUndefined();
    expect(nb).toMatchObject({ bucket: "no-key", force_destroy: false, lifecycle: { prevent_destroy: true } });
    const [kl, nl] = resources(j, "aws_s3_bucket_lifecycle_configuration").map((l) => (l.rule as Record<string, unknown>[])[0]);
    expect(kl).toMatchObject({ id: "r", noncurrent_version_expiration: [{ noncurrent_days: 3 }], expiration: [{ days: 9 }] });
    expect(nl).not.toHaveProperty("expiration");
  });
});
