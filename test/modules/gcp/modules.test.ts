/** Registry, storage, database, secrets, service agents: defaults and validation of each module on its own. */
import { TerraformOutput } from "cdktf";
import { DataTrigger } from "../../../modules/gcp/data-trigger";
import { Database } from "../../../modules/gcp/database";
import { EncryptionKey } from "../../../modules/gcp/encryption-key";
import { ObjectStorage } from "../../../modules/gcp/object-storage";
import { Registry } from "../../../modules/gcp/registry";
import { Secrets } from "../../../modules/gcp/secrets";
import { resources, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";
import { SERVICE_CATALOG } from "../../../services/catalog";

describe("Registry", () => {
  test("GIVEN defaults THEN the newest 30 versions kept and every other version (tagged or not) deleted after 7 days, scanning inherited", () => {
    const stack = gcpTestStack();
    const r = new Registry(stack, "registry", { repositories: ["api"], naming, ...PROJECT });
    const repo = resources(synthStack(stack), "google_artifact_registry_repository")[0];
    expect(repo.cleanup_policies).toEqual([
      expect.objectContaining({ id: "keep-recent", action: "KEEP", most_recent_versions: { keep_count: 30 } }),
      // Every pushed image is tagged: a DELETE limited to UNTAGGED would delete nothing, and KEEP only exempts from DELETE.
      expect.objectContaining({ id: "delete-old", action: "DELETE", condition: { tag_state: "ANY", older_than: "604800s" } }),
    ]);
    expect(repo.vulnerability_scanning_config).toEqual({ enablement_config: "INHERITED" });
    expect(r.imageUri("api", { kind: "tag", tag: "v1" })).toBe("europe-west3-docker.pkg.dev/mlops-test-1234/mlops-test-images/api:v1");
    expect(r.imageUri("api", { kind: "digest", digest: "sha256:abc", version: "1", source: "abc1234" })).toBe("europe-west3-docker.pkg.dev/mlops-test-1234/mlops-test-images/api@sha256:abc");
  });
  test("GIVEN keepImages 0 THEN validation fails", () => {
    expect(() => new Registry(gcpTestStack(), "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), naming, ...PROJECT, keepImages: 0 })).toThrow(/keepImages must be an integer from 1 to 1000; got 0/);
  });
});

describe("ObjectStorage", () => {
  test("GIVEN access logging THEN a log bucket that Cloud Storage may write to, and every data bucket logs into it", () => {
    const stack = gcpTestStack();
    new ObjectStorage(stack, "storage", { naming, ...PROJECT, accessLogging: true, accessLogRetentionDays: 90 });
    const json = synthStack(stack);
    const buckets = resources(json, "google_storage_bucket");
    expect(buckets).toHaveLength(5);
    const logs = buckets.find((b) => String(b.name).includes("access-logs"))!;
    expect(logs.lifecycle_rule).toEqual(expect.arrayContaining([expect.objectContaining({ condition: expect.objectContaining({ age: 90 }) })]));
    expect(resources(json, "google_storage_bucket_iam_member")).toEqual([expect.objectContaining({ member: "group:cloud-storage-analytics@google.com", role: "roles/storage.objectCreator" })]);
    expect(buckets.filter((b) => b.logging)).toHaveLength(4);
    expect(String(buckets[1].name)).toMatch(/^mlops-test-[a-z-]+-100000000009$/);
  });
  test("GIVEN noncurrent expiry 0 THEN validation fails", () => {
    expect(() => new ObjectStorage(gcpTestStack(), "storage", { naming, ...PROJECT, noncurrentVersionExpirationDays: 0 })).toThrow(/noncurrentVersionExpirationDays must be a positive integer; got 0/);
  });
});

describe("Database", () => {
  const props = { naming, ...PROJECT, networkId: "net", privateServicesConnection: { fqn: "google_service_networking_connection.x" } };
  test("GIVEN an IAM service account THEN a CLOUD_IAM_SERVICE_ACCOUNT user named without the domain suffix", () => {
    const stack = gcpTestStack();
    const db = new Database(stack, "database", { ...props, iamServiceAccounts: ["mlflow@p.iam.gserviceaccount.com"] });
    // References, not literals: the Auth Proxy argument, DB_NAME and DB_USER order a workload after them.
    new TerraformOutput(stack, "connection", { value: db.connectionName });
    new TerraformOutput(stack, "name", { value: db.databaseName });
    new TerraformOutput(stack, "user", { value: db.iamUserNames.get("mlflow@p.iam.gserviceaccount.com") });
    const json = synthStack(stack) as { output: Record<string, { value: string }> };
    expect(resources(json, "google_sql_user")).toEqual([expect.objectContaining({ name: "mlflow@p.iam", type: "CLOUD_IAM_SERVICE_ACCOUNT" })]);
    expect(json.output.connection.value).toMatch(/^\$\{google_sql_database_instance\.database_instance_[0-9A-F]+\.connection_name\}$/);
    expect(json.output.name.value).toMatch(/^\$\{google_sql_database\.database_[0-9A-F]+\.name\}$/);
    expect(json.output.user.value).toMatch(/^\$\{google_sql_user\.database_iam-mlflow_[0-9A-F]+\.name\}$/);
  });
  test("GIVEN backupRetentionDays 0 THEN refused with the message every cloud gives (backups are never off)", () => {
    expect(() => new Database(gcpTestStack(), "database", { ...props, backupRetentionDays: 0 })).toThrow(/^\[.*database\] backupRetentionDays must be an integer from 1 to 35 on gcp \(backups are never off.*; got 0$/);
  });
  test("GIVEN one backup THEN backups stay on with one kept and no point-in-time recovery", () => {
    const stack = gcpTestStack();
    new Database(stack, "database", { ...props, backupRetentionDays: 1 });
    const i = resources(synthStack(stack), "google_sql_database_instance")[0] as { settings: { backup_configuration: Record<string, unknown> } };
    expect(i.settings.backup_configuration).toMatchObject({ enabled: true, point_in_time_recovery_enabled: false, backup_retention_settings: { retained_backups: 1 } });
  });
  test("GIVEN an unknown tier THEN validation lists the tiers", () => {
    expect(() => new Database(gcpTestStack(), "database", { ...props, tier: "huge" as never })).toThrow(/tier must be one of small, medium, large; got "huge"/);
  });
});

describe("Secrets", () => {
  test("GIVEN names THEN one regional secret each with a generated write-only first version", () => {
    const stack = gcpTestStack();
    const s = new Secrets(stack, "secrets", { naming, ...PROJECT, names: ["api-token", "api-token"] });
    const json = synthStack(stack);
    expect(resources(json, "google_secret_manager_secret")).toEqual([
      expect.objectContaining({ secret_id: "mlops-test-api-token", replication: { user_managed: { replicas: [{ location: "europe-west3" }] } }, deletion_protection: true }),
    ]);
    expect(resources(json, "google_secret_manager_secret_version")).toEqual([
      expect.objectContaining({ secret: expect.stringMatching(/^\$\{google_secret_manager_secret\.secrets_api-token_[0-9A-F]+\.id\}$/), secret_data_wo: expect.stringMatching(/^\$\{ephemeral\.random_password\.secrets_api_token\.result\}$/), secret_data_wo_version: 1, deletion_policy: "ABANDON" }),
    ]);
    expect(JSON.stringify(json)).not.toMatch(/"secret_data"/);
    expect(() => s.secretId("nope")).toThrow(/no secret named "nope"; known: api-token/);
  });
  test("GIVEN a name that is not kebab-case THEN validation fails", () => {
    expect(() => new Secrets(gcpTestStack(), "secrets", { naming, ...PROJECT, names: ["API_TOKEN"] })).toThrow(/secret names must be kebab-case/);
  });
});

describe("Grants to the Cloud Storage service agent", () => {
  test("GIVEN a CMEK key and a data-arrival trigger THEN both grant to the agent read (and so provisioned) by one data source, never its literal address", () => {
    const stack = gcpTestStack();
    new EncryptionKey(stack, "key", { naming, ...PROJECT, users: ["storage", "pubsub"] });
    new DataTrigger(stack, "trigger", { naming, ...PROJECT, storage: { bucketName: () => "raw" }, bucket: "raw", prefix: "incoming/", runJobName: "job", jobName: "transform" });
    const json = synthStack(stack);
    expect(Object.keys(json.data?.google_storage_project_service_account ?? {})).toEqual(["storage-service-agent"]);
    const agent = "${data.google_storage_project_service_account.storage-service-agent.member}";
    expect(resources(json, "google_kms_crypto_key_iam_member").map((g) => g.member).sort()).toEqual([agent, "serviceAccount:service-100000000009@gcp-sa-pubsub.iam.gserviceaccount.com"].sort());
    expect(resources(json, "google_pubsub_topic_iam_member")).toEqual([expect.objectContaining({ member: agent })]);
  });
});
