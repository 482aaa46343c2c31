/** AWS buckets: the four purposes, each locked down (public access, TLS, ownership, versioning, encryption). */
import { ObjectStorage, ObjectStorageProps } from "../../../modules/aws/object-storage";
import { BUCKET_PURPOSES } from "../../../modules/core/workload-spec";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { ACCOUNT, AWS_NAMING, awsTestStack } from "./aws-test-stack";

const KEY = "arn:aws:kms:eu-central-1:111111111111:key/test";
const triggered = [...new Set(SERVICE_CATALOG.flatMap((s) => (s.trigger ? [s.trigger.bucket] : [])))];

describe("AWS ObjectStorage", () => {
  let json: StackJson;
  let managed: StackJson;
  beforeAll(() => {
    const stack = awsTestStack();
    new ObjectStorage(stack, "storage", { naming: AWS_NAMING, accountId: ACCOUNT, customerManagedKey: KEY, accessLogging: true, eventBridgeBuckets: triggered });
    json = synthStack(stack);
    const plain = awsTestStack();
    new ObjectStorage(plain, "storage", { naming: AWS_NAMING, accountId: ACCOUNT, encryption: "managed" });
    managed = synthStack(plain);
  });

  test("GIVEN access logging WHEN synthesized THEN one bucket per purpose plus the log bucket, none force-destroyed by default", () => {
    const buckets = resources(json, "aws_s3_bucket");
    expect(buckets.map((b) => b.bucket).sort()).toEqual(
      [...BUCKET_PURPOSES.map((p) => `mlops-test-${p}-${ACCOUNT}`), `mlops-test-access-logs-${ACCOUNT}`].sort(),
    );
    expect(buckets.every((b) => b.force_destroy === false)).toBe(true);
  });

  test("GIVEN any bucket THEN all four public-access blocks are on and ACLs are disabled", () => {
    const blocks = resources(json, "aws_s3_bucket_public_access_block");
    expect(blocks).toHaveLength(BUCKET_PURPOSES.length + 1);
    for (const b of blocks) expect(b).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    const ownership = resources(json, "aws_s3_bucket_ownership_controls");
    expect(ownership.map((o) => (o.rule as { object_ownership: string }).object_ownership)).toEqual(Array(BUCKET_PURPOSES.length + 1).fill("BucketOwnerEnforced"));
  });

  test("GIVEN any bucket THEN its policy denies plain HTTP and TLS below 1.2", () => {
    for (const p of resources(json, "aws_s3_bucket_policy")) {
      const doc = JSON.parse(p.policy as string) as { Statement: { Sid: string; Effect: string; Condition: object }[] };
      expect(doc.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Sid: "DenyInsecureTransport", Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        expect.objectContaining({ Sid: "DenyOutdatedTls", Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } }),
      ]));
    }
  });

  test("GIVEN a customer-managed key THEN data buckets use SSE-KMS with a bucket key, and the log bucket SSE-S3 (S3 cannot log into SSE-KMS)", () => {
    const rules = resources(json, "aws_s3_bucket_server_side_encryption_configuration").map((e) => (e.rule as { apply_server_side_encryption_by_default: { sse_algorithm: string; kms_master_key_id?: string }; bucket_key_enabled?: boolean }[])[0]);
    const kms = rules.filter((r) => r.apply_server_side_encryption_by_default.sse_algorithm === "aws:kms");
    expect(kms).toHaveLength(BUCKET_PURPOSES.length);
    for (const r of kms) expect(r).toMatchObject({ bucket_key_enabled: true, apply_server_side_encryption_by_default: { kms_master_key_id: KEY } });
    expect(rules.filter((r) => r.apply_server_side_encryption_by_default.sse_algorithm === "AES256")).toHaveLength(1);
  });

  test("GIVEN encryption managed THEN every bucket uses SSE-S3 and no log bucket exists without access logging", () => {
    const rules = resources(managed, "aws_s3_bucket_server_side_encryption_configuration").map((e) => JSON.stringify(e.rule));
    expect(rules).toHaveLength(BUCKET_PURPOSES.length);
    expect(rules.every((r) => r.includes('"AES256"'))).toBe(true);
    expect(resources(managed, "aws_s3_bucket_logging")).toEqual([]);
  });

  test("GIVEN access logging THEN every data bucket logs into the log bucket under its purpose, and only S3's log service in this account may write there", () => {
    const logging = resources(json, "aws_s3_bucket_logging");
    expect(logging.map((l) => l.target_prefix).sort()).toEqual(BUCKET_PURPOSES.map((p) => `${p}/`).sort());
    const logPolicy = resources(json, "aws_s3_bucket_policy").map((p) => p.policy as string).find((p) => p.includes("S3ServerAccessLogDelivery"));
    expect(JSON.parse(logPolicy!).Statement).toContainEqual(expect.objectContaining({
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
    }));
  });

  test("GIVEN versioning THEN noncurrent versions expire after 30 days by default and the access logs after 365", () => {
    expect(resources(json, "aws_s3_bucket_versioning").every((v) => (v.versioning_configuration as { status: string }).status === "Enabled")).toBe(true);
    const rules = resources(json, "aws_s3_bucket_lifecycle_configuration").map((l) => (l.rule as Record<string, unknown>[])[0]);
    expect(rules.every((r) => JSON.stringify(r.noncurrent_version_expiration) === JSON.stringify([{ noncurrent_days: 30 }]))).toBe(true);
    expect(rules.filter((r) => r.expiration).map((r) => r.expiration)).toEqual([[{ days: 365 }]]);
  });

  test("GIVEN the catalog's data triggers THEN exactly their buckets send events to EventBridge", () => {
    const notifications = resources(json, "aws_s3_bucket_notification");
    expect(notifications).toHaveLength(triggered.length);
    expect(notifications.every((n) => n.eventbridge === true)).toBe(true);
  });

  test.each<[string, Partial<ObjectStorageProps>, RegExp]>([
    ["kms without a key", { encryption: "kms", customerManagedKey: undefined }, /encryption "kms" needs customerManagedKey; pass the environment key or choose "managed"/],
    ["noncurrent expiry 0", { encryption: "managed", noncurrentVersionExpirationDays: 0 }, /noncurrentVersionExpirationDays must be at least 1; got 0/],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_case, over, message) => {
    expect(() => new ObjectStorage(awsTestStack(), "storage", { naming: AWS_NAMING, accountId: ACCOUNT, ...over })).toThrow(message);
  });
});
