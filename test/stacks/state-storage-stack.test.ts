/**
 * The `<env>-<cloud>-state` stacks: each creates exactly the storage its platform stack's backend names,
 * keeps its own state there, and protects it (versioning, encryption, no public access, no shared keys,
 * no deletion). Azure and Google attributes are the ones checked against azurerm 4.55.0 and google 6.50.0.
 */
import * as path from "path";
import { App } from "cdktf";
import { loadEnvironments } from "../../environments";
import { SERVICE_CATALOG } from "../../services/catalog";
import { buildPlatformApp } from "../../stacks/platform-app";
import { StateStorageStack } from "../../stacks/state-storage-stack";
import { sharedSynth } from "../support/shared-synth";
import { resources, ROOT, StackJson, synthStack } from "../support/synth";
import * as fs from "fs";
import * as os from "os";

const built = sharedSynth();
const one = <T = Record<string, unknown>>(json: StackJson, type: string): T => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0] as T;
};

describe.each(["dev", "prod"])("%s state storage", (env) => {
  test("GIVEN an AWS backend WHEN synthesized THEN the state stack creates the very bucket the platform stack's backend names, and keeps its own state in it", () => {
    const platform = built.json(`${env}-aws`).terraform!.backend!.s3;
    const state = built.json(`${env}-aws-state`);
    expect(one(state, "aws_s3_bucket")).toMatchObject({ bucket: platform.bucket });
    expect(state.terraform!.backend!.s3).toEqual({ ...platform, key: `mlops/${env}-aws-state.tfstate` });
  });

  test("GIVEN an azurerm backend WHEN synthesized THEN the state stack creates that resource group, account and container, and keeps its own state in it", () => {
    const platform = built.json(`${env}-azure`).terraform!.backend!.azurerm;
    const state = built.json(`${env}-azure-state`);
    expect(one(state, "azurerm_resource_group")).toMatchObject({ name: platform.resource_group_name });
    expect(one(state, "azurerm_storage_account")).toMatchObject({ name: platform.storage_account_name });
    expect(one(state, "azurerm_storage_container")).toMatchObject({ name: platform.container_name });
    expect(state.terraform!.backend!.azurerm).toEqual({ ...platform, key: `mlops/${env}-azure-state.tfstate` });
  });

  test("GIVEN a gcs backend WHEN synthesized THEN the state stack creates that bucket and keeps its own state in it", () => {
    const platform = built.json(`${env}-gcp`).terraform!.backend!.gcs;
    const state = built.json(`${env}-gcp-state`);
    expect(one(state, "google_storage_bucket")).toMatchObject({ name: platform.bucket });
    expect(state.terraform!.backend!.gcs).toEqual({ ...platform, prefix: `mlops/${env}-gcp-state` });
  });
});

describe("the S3 state bucket", () => {
  const json = built.json("prod-aws-state");

  test("GIVEN the AWS state stack WHEN synthesized THEN the bucket cannot be destroyed by a plan nor emptied by force_destroy", () => {
    expect(one(json, "aws_s3_bucket")).toMatchObject({ force_destroy: false, lifecycle: { prevent_destroy: true } });
  });

  test("GIVEN the AWS state stack WHEN synthesized THEN it is versioned, encrypted, blocks every public access, enforces ownership and denies plain HTTP and TLS < 1.2", () => {
    expect(one(json, "aws_s3_bucket_versioning")).toMatchObject({ versioning_configuration: { status: "Enabled" } });
    expect(one(json, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
    expect(one(json, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one(json, "aws_s3_bucket_ownership_controls")).toMatchObject({ rule: { object_ownership: "BucketOwnerEnforced" } });
    const policy = JSON.parse(one<{ policy: string }>(json, "aws_s3_bucket_policy").policy) as { Statement: { Effect: string; Condition: unknown }[] };
    expect(policy.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        expect.objectContaining({ Effect: "Deny", Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } } }),
      ]),
    );
  });

  test("GIVEN the AWS state stack WHEN synthesized THEN its provider is pinned to the environment's account and works in the bucket's region", () => {
    const [provider] = json.provider!.aws;
    expect(provider).toMatchObject({ allowed_account_ids: ["333333333333"], region: "eu-central-1" });
  });
});

describe("the Azure state account", () => {
  const json = built.json("prod-azure-state");

  test("GIVEN the Azure state stack WHEN synthesized THEN the account has shared keys off, no public blobs, TLS 1.2, HTTPS only, infrastructure encryption and versioning", () => {
    expect(one(json, "azurerm_storage_account")).toMatchObject({
      account_kind: "StorageV2",
      shared_access_key_enabled: false,
      allow_nested_items_to_be_public: false,
      min_tls_version: "TLS1_2",
      https_traffic_only_enabled: true,
      infrastructure_encryption_enabled: true,
      default_to_oauth_authentication: true,
      cross_tenant_replication_enabled: false,
      blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 30 }, container_delete_retention_policy: { days: 30 } },
      lifecycle: { prevent_destroy: true },
    });
  });

  test("GIVEN the Azure state stack WHEN synthesized THEN a CanNotDelete lock guards the account and the container is private, addressed by storage_account_id", () => {
    expect(one(json, "azurerm_management_lock")).toMatchObject({ lock_level: "CanNotDelete", scope: expect.stringMatching(/^\$\{azurerm_storage_account\.[^}]+\.id\}$/) });
    const container = one(json, "azurerm_storage_container");
    expect(container).toMatchObject({ container_access_type: "private", storage_account_id: expect.stringContaining("azurerm_storage_account."), lifecycle: { prevent_destroy: true } });
    expect(container).not.toHaveProperty("storage_account_name"); // deprecated in 4.x, needs shared keys for the data plane
  });

  test("GIVEN the Azure state stack WHEN synthesized THEN the provider uses Entra ID and never the data plane (the deployer has no data role yet)", () => {
    const [provider] = json.provider!.azurerm;
    expect(provider).toMatchObject({ storage_use_azuread: true, features: [expect.objectContaining({ storage: [{ data_plane_available: false }] })] });
    expect(json.terraform!.backend!.azurerm).toMatchObject({ use_azuread_auth: true });
  });
});

describe("the Cloud Storage state bucket", () => {
  const json = built.json("prod-gcp-state");

  test("GIVEN the Google state stack WHEN synthesized THEN the bucket is versioned, uniform, public access prevented, soft-deleting and protected from destroy", () => {
    expect(one(json, "google_storage_bucket")).toMatchObject({
      versioning: { enabled: true },
      uniform_bucket_level_access: true,
      public_access_prevention: "enforced",
      soft_delete_policy: { retention_duration_seconds: 30 * 86_400 },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
      location: "europe-west3",
    });
  });
});

describe("which state stacks exist", () => {
  test("GIVEN an environment whose AWS backend is local WHEN built THEN it gets no AWS state stack (nothing to create) but keeps the other clouds'", () => {
    const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
    const local = { ...dev, config: { ...dev.config, clouds: { ...dev.config.clouds, aws: { ...dev.config.clouds.aws!, backend: { type: "local" as const } } } } };
    const app = buildPlatformApp({
      outdir: fs.mkdtempSync(path.join(os.tmpdir(), "synth-")),
      environments: [local],
      catalog: SERVICE_CATALOG,
      deploymentsDir: fs.mkdtempSync(path.join(os.tmpdir(), "deployments-")),
      root: ROOT,
    });
    expect(app.stacks.map((s) => s.name).sort()).toEqual(["dev-aws", "dev-azure", "dev-azure-state", "dev-gcp", "dev-gcp-state"]);
  });

  test("GIVEN a KMS key id in the S3 backend WHEN synthesized THEN the state bucket is encrypted with that key", () => {
    const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
    const aws = dev.config.clouds.aws!;
    if (aws.backend.type !== "s3") throw new Error("dev's AWS backend is expected to be s3");
    const config = { ...dev.config, clouds: { aws: { ...aws, backend: { ...aws.backend, kmsKeyId: "alias/tfstate" } } } };
    const json = synthStack(new StateStorageStack(new App(), "dev-aws-state", { env: config, cloud: "aws" }));
    expect(one(json, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: "alias/tfstate" }, bucket_key_enabled: true }],
    });
    expect(json.terraform!.backend!.s3).toMatchObject({ kms_key_id: "alias/tfstate" });
  });
});
