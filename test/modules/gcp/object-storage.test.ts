/** Google buckets: one per purpose, uniform access, public access prevented, versioned, CMEK, logs into a log bucket when asked. */
import { ObjectStorage, ObjectStorageProps } from "../../../modules/gcp/object-storage";
import { BUCKET_PURPOSES } from "../../../modules/core/workload-spec";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const KEY = "projects/mlops-test-1234/locations/europe-west3/keyRings/r/cryptoKeys/k";
const BASE = { naming, ...PROJECT };

describe("Google ObjectStorage", () => {
  let logged: StackJson;
  let plain: StackJson;
  beforeAll(() => {
    const a = gcpTestStack();
    new ObjectStorage(a, "storage", { ...BASE, customerManagedKey: KEY, accessLogging: true });
    logged = synthStack(a);
    const b = gcpTestStack();
    new ObjectStorage(b, "storage", { ...BASE, forceDestroy: true, noncurrentVersionExpirationDays: 3 });
    plain = synthStack(b);
  });
  const buckets = (j: StackJson): Record<string, unknown>[] => resources(j, "google_storage_bucket");

  test("GIVEN access logging WHEN synthesized THEN a bucket per purpose plus the log bucket, named with the project number", () => {
    expect(buckets(logged).map((b) => b.name).sort()).toEqual([...BUCKET_PURPOSES, "access-logs"].map((p) => `mlops-test-${p}-${PROJECT.projectNumber}`).sort());
  });

  test("GIVEN any bucket THEN uniform access, public access enforced off, versioning on, not force-destroyed by default, CMEK when given", () => {
    for (const b of buckets(logged)) {
      expect(b).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: "enforced", versioning: { enabled: true }, force_destroy: false, encryption: { default_kms_key_name: KEY } });
    }
    for (const b of buckets(plain)) {
      expect(b).toMatchObject({ force_destroy: true, public_access_prevention: "enforced" });
      expect(b).not.toHaveProperty("encryption");
    }
  });

  test("GIVEN access logging THEN each data bucket logs under its purpose, and only Cloud Storage's analytics group may create log objects", () => {
    const data = buckets(logged).filter((b) => !String(b.name).includes("access-logs"));
    expect(data.map((b) => (b.logging as { log_object_prefix: string }).log_object_prefix).sort()).toEqual(BUCKET_PURPOSES.map((p) => `${p}/`).sort());
    expect(resources(logged, "google_storage_bucket_iam_member")).toEqual([expect.objectContaining({ role: "roles/storage.objectCreator", member: "group:cloud-storage-analytics@google.com" })]);
    expect(resources(plain, "google_storage_bucket_iam_member")).toEqual([]);
    expect(buckets(plain).every((b) => b.logging === undefined)).toBe(true);
  });

  test("GIVEN noncurrent expiry days THEN replaced versions are deleted after them, incomplete uploads after a day, logs after 365 days", () => {
    const rules = (j: StackJson, name: string) => JSON.stringify(buckets(j).find((b) => String(b.name).includes(name))!.lifecycle_rule);
    expect(rules(logged, "-raw-")).toContain('"days_since_noncurrent_time":30');
    expect(rules(plain, "-raw-")).toContain('"days_since_noncurrent_time":3');
    expect(rules(plain, "-raw-")).toContain('"AbortIncompleteMultipartUpload"');
    expect(rules(logged, "access-logs")).toContain('"age":365');
  });

  test.each([[0], [-1], [2.5]])("GIVEN noncurrent expiry %p WHEN constructed THEN validation fails naming the value", (days) => {
    expect(() => new ObjectStorage(gcpTestStack(), "storage", { ...BASE, noncurrentVersionExpirationDays: days } as ObjectStorageProps)).toThrow(`noncurrentVersionExpirationDays must be a positive integer; got ${days}`);
  });
});
