/** Google environment key: one rotating software key; only the named service agents may encrypt and decrypt with it. */
import { EncryptionKey } from "../../../modules/gcp/encryption-key";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

describe("Google EncryptionKey", () => {
  let json: StackJson;
  let custom: StackJson;
  beforeAll(() => {
    const a = gcpTestStack();
    new EncryptionKey(a, "key", { naming, ...PROJECT });
    json = synthStack(a);
    const b = gcpTestStack();
    new EncryptionKey(b, "key", { naming, ...PROJECT, users: ["pubsub"], rotationDays: 30, destroyScheduledDays: 7 });
    custom = synthStack(b);
  });

  test("GIVEN defaults WHEN synthesized THEN a key ring and a symmetric key rotating every 90 days, destroyed versions kept 30 days", () => {
    expect(resources(json, "google_kms_key_ring")).toEqual([expect.objectContaining({ name: "mlops-test-platform", location: PROJECT.region })]);
    expect(resources(json, "google_kms_crypto_key")).toEqual([expect.objectContaining({
      name: "mlops-test-data", purpose: "ENCRYPT_DECRYPT", rotation_period: `${90 * 86400}s`, destroy_scheduled_duration: `${30 * 86400}s`,
      version_template: { algorithm: "GOOGLE_SYMMETRIC_ENCRYPTION", protection_level: "SOFTWARE" },
    })]);
  });

  test("GIVEN default users THEN only the storage and Artifact Registry agents get encrypter/decrypter on the key", () => {
    const grants = resources(json, "google_kms_crypto_key_iam_member");
    expect(grants.every((g) => g.role === "roles/cloudkms.cryptoKeyEncrypterDecrypter")).toBe(true);
    expect(grants.map((g) => g.member).sort()).toEqual([
      "${data.google_storage_project_service_account.storage-service-agent.member}",
      `serviceAccount:service-${PROJECT.projectNumber}@gcp-sa-artifactregistry.iam.gserviceaccount.com`,
    ].sort());
  });

  test("GIVEN users and periods WHEN synthesized THEN only those agents are granted and the periods follow", () => {
    expect(resources(custom, "google_kms_crypto_key_iam_member").map((g) => g.member)).toEqual([`serviceAccount:service-${PROJECT.projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`]);
    expect(resources(custom, "google_kms_crypto_key")[0]).toMatchObject({ rotation_period: `${30 * 86400}s`, destroy_scheduled_duration: `${7 * 86400}s` });
  });

  test.each([[0], [366], [1.5]])("GIVEN rotationDays %p WHEN constructed THEN validation fails naming the value", (days) => {
    expect(() => new EncryptionKey(gcpTestStack(), "key", { naming, ...PROJECT, rotationDays: days })).toThrow(`rotationDays must be an integer from 1 to 365; got ${days}`);
  });
});
