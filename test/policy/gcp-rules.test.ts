/**
 * GCP policy rules: for each rule a compliant case and each way of being non-compliant, built as
 * small constructs in a test stack; the PolicyAspect must report the rule id with the construct path.
 */
import { TerraformStack } from "cdktf";
import { ArtifactRegistryRepository } from "@cdktf/provider-google/lib/artifact-registry-repository";
import { CloudRunV2Job } from "@cdktf/provider-google/lib/cloud-run-v2-job";
import { CloudRunV2Service } from "@cdktf/provider-google/lib/cloud-run-v2-service";
import { CloudRunV2ServiceIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-service-iam-member";
import { CloudRunV2WorkerPool } from "@cdktf/provider-google/lib/cloud-run-v2-worker-pool";
import { ComputeSubnetwork } from "@cdktf/provider-google/lib/compute-subnetwork";
import { SecretManagerSecretVersion } from "@cdktf/provider-google/lib/secret-manager-secret-version";
import { SqlDatabaseInstance, SqlDatabaseInstanceSettings } from "@cdktf/provider-google/lib/sql-database-instance";
import { SqlUser } from "@cdktf/provider-google/lib/sql-user";
import { StorageBucket, StorageBucketConfig } from "@cdktf/provider-google/lib/storage-bucket";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { PackEntry, PolicyRule } from "../../modules/policy";
import { GCP_PACK } from "../../modules/policy/gcp-pack";
import { CloudRun } from "../../modules/gcp/cloud-run";
import { checkPolicy } from "../support/policy";
import { GCP_FACTS, GCP_TEST_TAGS, gcpTestStack, naming, PROJECT, serviceSpec } from "../modules/gcp/gcp-test-stack";

function rule(id: string): PolicyRule {
  const e = GCP_PACK.find((p) => p.rule.id === id);
  if (!e) throw new Error(`no rule ${id} in GCP_PACK`);
  return e.rule;
}

/** Errors of one rule for a stack built by `build`. */
function findings(id: string, build: (stack: TerraformStack) => void) {
  const stack = gcpTestStack();
  build(stack);
  const pack: PackEntry[] = [{ rule: rule(id), level: "error" }];
  return checkPolicy(stack, pack, GCP_TEST_TAGS);
}

const goodBucket: StorageBucketConfig = {
  name: "b",
  location: "EU",
  uniformBucketLevelAccess: true,
  publicAccessPrevention: "enforced",
  versioning: { enabled: true },
};

test("GIVEN the GCP pack THEN it holds the core rules and names a scanner id for every GCP rule", () => {
  const ids = GCP_PACK.map((p) => p.rule.id);
  expect(ids).toEqual(expect.arrayContaining(["MLOPS-REQUIRED-TAGS", "MLOPS-LOG-RETENTION"]));
  for (const p of GCP_PACK.filter((x) => x.rule.id.startsWith("MLOPS-GCP-"))) {
    expect(p.rule.maps?.some((m) => /CKV|AwsSolutions/.test(m))).toBe(true);
  }
});

describe("MLOPS-GCP-BUCKET-PUBLIC-ACCESS-PREVENTION", () => {
  const id = "MLOPS-GCP-BUCKET-PUBLIC-ACCESS-PREVENTION";
  test("Compliance: prevention enforced", () => {
    expect(findings(id, (s) => new StorageBucket(s, "bucket", goodBucket)).errors).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: left inherited (the Google module's default)", "inherited", 'public_access_prevention is "inherited"'],
    ["Noncompliance 2: not set", undefined, "not set (inherited)"],
  ])("%s", (_t, value, detail) => {
    const { errors } = findings(id, (s) => new StorageBucket(s, "bucket", { ...goodBucket, publicAccessPrevention: value }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/bucket", resourceType: "google_storage_bucket" })]);
    expect(errors[0].message).toContain(detail);
  });
});

describe("MLOPS-GCP-BUCKET-UNIFORM-ACCESS", () => {
  const id = "MLOPS-GCP-BUCKET-UNIFORM-ACCESS";
  test("Compliance: uniform bucket-level access", () => {
    expect(findings(id, (s) => new StorageBucket(s, "bucket", goodBucket)).errors).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: ACLs allowed", false],
    ["Noncompliance 2: not set", undefined],
  ])("%s", (_t, value) => {
    const { errors } = findings(id, (s) => new StorageBucket(s, "bucket", { ...goodBucket, uniformBucketLevelAccess: value }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/bucket" })]);
  });
});

describe("MLOPS-GCP-BUCKET-VERSIONED", () => {
  const id = "MLOPS-GCP-BUCKET-VERSIONED";
  test("Compliance: versioning on", () => {
    expect(findings(id, (s) => new StorageBucket(s, "bucket", goodBucket)).errors).toEqual([]);
  });
  test("Noncompliance 1: versioning off", () => {
    const { errors } = findings(id, (s) => new StorageBucket(s, "bucket", { ...goodBucket, versioning: { enabled: false } }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/bucket" })]);
  });
  test("Noncompliance 2: no versioning block", () => {
    const { errors } = findings(id, (s) => new StorageBucket(s, "bucket", { ...goodBucket, versioning: undefined }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/bucket" })]);
  });
});

describe("MLOPS-GCP-PUBLIC-PRINCIPAL", () => {
  const id = "MLOPS-GCP-PUBLIC-PRINCIPAL";
  test("Compliance: a bucket role for a service account", () => {
    expect(findings(id, (s) => new StorageBucketIamMember(s, "grant", { bucket: "b", role: "roles/storage.objectViewer", member: "serviceAccount:a@p.iam.gserviceaccount.com" })).errors).toEqual([]);
  });
  test.each(["allUsers", "allAuthenticatedUsers"])("Noncompliance: a public bucket (%s may read)", (member) => {
    const { errors } = findings(id, (s) => new StorageBucketIamMember(s, "grant", { bucket: "b", role: "roles/storage.objectViewer", member }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/grant", resourceType: "google_storage_bucket_iam_member" })]);
    expect(errors[0].message).toContain(member);
  });
});

describe("MLOPS-GCP-RUN-PUBLIC-INVOKER", () => {
  const id = "MLOPS-GCP-RUN-PUBLIC-INVOKER";
  const service = (s: TerraformStack, over: Partial<ConstructorParameters<typeof CloudRunV2Service>[2]> = {}) =>
    new CloudRunV2Service(s, "svc", { name: "svc", location: "europe-west3", template: { containers: [{ image: "i" }] }, ...over });
  test("Compliance: a group may invoke", () => {
    expect(findings(id, (s) => new CloudRunV2ServiceIamMember(s, "invoker", { name: "svc", location: "europe-west3", role: "roles/run.invoker", member: "group:ml@example.com" })).errors).toEqual([]);
  });
  test("Compliance: IAM check disabled on an internal-only service", () => {
    expect(findings(id, (s) => service(s, { ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invokerIamDisabled: true })).errors).toEqual([]);
  });
  test("Noncompliance 1: allUsers on a non-public service", () => {
    const { errors } = findings(id, (s) => new CloudRunV2ServiceIamMember(s, "invoker", { name: "svc", location: "europe-west3", role: "roles/run.invoker", member: "allUsers" }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/invoker", resourceType: "google_cloud_run_v2_service_iam_member" })]);
  });
  test("Noncompliance 2: IAM check disabled with ingress from the internet", () => {
    const { errors } = findings(id, (s) => service(s, { ingress: "INGRESS_TRAFFIC_ALL", invokerIamDisabled: true }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/svc" })]);
    expect(errors[0].message).toContain("anyone on the internet");
  });
  test("Noncompliance 3: IAM check disabled with internal-load-balancer ingress (external Application Load Balancers reach it)", () => {
    const { errors } = findings(id, (s) => service(s, { ingress: "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER", invokerIamDisabled: true }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/svc" })]);
    expect(errors[0].message).toContain("INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER");
  });
  test("GIVEN the CloudRun construct WHEN a jwt service is public THEN no allUsers grant exists and the rule passes", () => {
    const { errors } = findings(id, (s) => new CloudRun(s, "run", { naming, ...PROJECT, spec: serviceSpec(), image: "i", serviceAccountEmail: "a@b", networkId: "n", subnetId: "s", secretIds: {}, facts: GCP_FACTS }));
    expect(errors).toEqual([]);
  });
  test("GIVEN the CloudRun construct WHEN a spec is public with auth none THEN allUsers is granted under a suppression the report lists", () => {
    const { errors, report } = findings(id, (s) =>
      new CloudRun(s, "run", { naming, ...PROJECT, spec: serviceSpec({ auth: "none" }), image: "i", serviceAccountEmail: "a@b", networkId: "n", subnetId: "s", secretIds: {}, facts: GCP_FACTS }),
    );
    expect(errors).toEqual([]);
    expect(report.suppressions()).toEqual([expect.objectContaining({ ruleId: id, path: "test/run/public-invoker", matched: ["test/run/public-invoker"] })]);
    expect(report.suppressions()[0].reason).toContain('auth "none"');
  });
});

describe("MLOPS-GCP-RUN-LITERAL-SECRETS", () => {
  const id = "MLOPS-GCP-RUN-LITERAL-SECRETS";
  const svc = (s: TerraformStack, env: { name: string; value?: string; valueSource?: { secretKeyRef: { secret: string; version: string } } }[]) =>
    new CloudRunV2Service(s, "svc", { name: "svc", location: "europe-west3", template: { containers: [{ name: "app", image: "i", env }] } });
  test("Compliance: a secret by Secret Manager reference and plain settings as values", () => {
    const { errors } = findings(id, (s) => svc(s, [{ name: "LOG_LEVEL", value: "info" }, { name: "API_TOKEN", valueSource: { secretKeyRef: { secret: "projects/p/secrets/t", version: "latest" } } }]));
    expect(errors).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: a secret-named env var with a literal value", "DB_PASSWORD", "hunter2"],
    ["Noncompliance 2: a signing key as a literal", "MODEL_API_SIGNING_KEY", "abc"],
    ["Noncompliance 3: a password inside a connection URI", "DATABASE_URL", "postgresql://mlflow:hunter2@10.0.0.3/mlflow"],
  ])("%s", (_t, name, value) => {
    const { errors } = findings(id, (s) => svc(s, [{ name, value }]));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/svc", resourceType: "google_cloud_run_v2_service" })]);
    expect(errors[0].message).toContain(name);
  });
  test("Noncompliance 4: a job with a literal token", () => {
    const { errors } = findings(id, (s) =>
      new CloudRunV2Job(s, "job", { name: "j", location: "europe-west3", template: { template: { containers: [{ image: "i", env: [{ name: "GITHUB_TOKEN", value: "ghp_x" }] }] } } }),
    );
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/job", resourceType: "google_cloud_run_v2_job" })]);
  });
  test("Noncompliance 5: a worker pool (self-hosted Airflow's scheduler) with a literal JWT secret", () => {
    const { errors } = findings(id, (s) =>
      new CloudRunV2WorkerPool(s, "pool", { name: "p", location: "europe-west3", template: { containers: [{ name: "airflow", image: "i", env: [{ name: "AIRFLOW__API_AUTH__JWT_SECRET", value: "x" }] }] } }),
    );
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/pool", resourceType: "google_cloud_run_v2_worker_pool" })]);
    expect(errors[0].message).toContain("airflow: AIRFLOW__API_AUTH__JWT_SECRET");
  });
});

describe("MLOPS-GCP-LITERAL-SECRET-VALUE", () => {
  const id = "MLOPS-GCP-LITERAL-SECRET-VALUE";
  test("Compliance: an IAM database user and a write-only password", () => {
    const { errors } = findings(id, (s) => {
      new SqlUser(s, "iam", { instance: "i", name: "sa@p.iam", type: "CLOUD_IAM_SERVICE_ACCOUNT" });
      new SqlUser(s, "wo", { instance: "i", name: "u", passwordWo: "from-ephemeral", passwordWoVersion: 1 });
    });
    expect(errors).toEqual([]);
  });
  test("Noncompliance 1: a secret version with literal data", () => {
    const { errors } = findings(id, (s) => new SecretManagerSecretVersion(s, "version", { secret: "projects/p/secrets/s", secretData: "hunter2" }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/version", resourceType: "google_secret_manager_secret_version" })]);
  });
  test("Noncompliance 2: a database user with a literal password", () => {
    const { errors } = findings(id, (s) => new SqlUser(s, "user", { instance: "i", name: "mlflow", password: "hunter2" }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/user", resourceType: "google_sql_user" })]);
  });
});

describe("Cloud SQL rules", () => {
  const good: SqlDatabaseInstanceSettings = {
    tier: "db-custom-1-3840",
    ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/p/global/networks/n", sslMode: "ENCRYPTED_ONLY" },
    backupConfiguration: { enabled: true },
  };
  const instance = (s: TerraformStack, settings: SqlDatabaseInstanceSettings) => new SqlDatabaseInstance(s, "db", { databaseVersion: "POSTGRES_16", region: "europe-west3", settings });

  test("Compliance: private IP, TLS, backups", () => {
    for (const id of ["MLOPS-GCP-SQL-PRIVATE", "MLOPS-GCP-SQL-BACKUPS"]) expect(findings(id, (s) => instance(s, good)).errors).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: public IPv4", { ipv4Enabled: true }, "ipv4_enabled is not false"],
    ["Noncompliance 2: no private network", { privateNetwork: undefined }, "private_network is not set"],
    ["Noncompliance 3: open to the internet", { ipv4Enabled: true, authorizedNetworks: [{ value: "0.0.0.0/0" }] }, "authorized_networks are set"],
    ["Noncompliance 4: TLS not required", { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" }, "ssl_mode"],
  ])("MLOPS-GCP-SQL-PRIVATE %s", (_t, ip, detail) => {
    const { errors } = findings("MLOPS-GCP-SQL-PRIVATE", (s) => instance(s, { ...good, ipConfiguration: { ...good.ipConfiguration, ...ip } }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-GCP-SQL-PRIVATE", path: "test/db" })]);
    expect(errors[0].message).toContain(detail);
  });
  test("MLOPS-GCP-SQL-BACKUPS Noncompliance 1: backups off", () => {
    const { errors } = findings("MLOPS-GCP-SQL-BACKUPS", (s) => instance(s, { ...good, backupConfiguration: { enabled: false } }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-GCP-SQL-BACKUPS", path: "test/db" })]);
  });
  test("MLOPS-GCP-SQL-BACKUPS Noncompliance 2: no backup configuration", () => {
    const { errors } = findings("MLOPS-GCP-SQL-BACKUPS", (s) => instance(s, { ...good, backupConfiguration: undefined }));
    expect(errors).toHaveLength(1);
  });
});

describe("MLOPS-GCP-REGISTRY-IMMUTABLE", () => {
  const id = "MLOPS-GCP-REGISTRY-IMMUTABLE";
  const repo = (s: TerraformStack, immutable: boolean | undefined, cleanup: boolean) =>
    new ArtifactRegistryRepository(s, "repo", {
      repositoryId: "r",
      location: "europe-west3",
      format: "DOCKER",
      dockerConfig: immutable === undefined ? undefined : { immutableTags: immutable },
      cleanupPolicies: cleanup ? [{ id: "keep", action: "KEEP", mostRecentVersions: { keepCount: 5 } }] : undefined,
    });
  test("Compliance: immutable tags with cleanup", () => expect(findings(id, (s) => repo(s, true, true)).errors).toEqual([]));
  test("Noncompliance 1: mutable tags", () => {
    const { errors } = findings(id, (s) => repo(s, false, true));
    expect(errors).toEqual([expect.objectContaining({ ruleId: id, path: "test/repo" })]);
    expect(errors[0].message).toContain("immutable_tags");
  });
  test("Noncompliance 2: no docker_config", () => expect(findings(id, (s) => repo(s, undefined, true)).errors).toHaveLength(1));
  test("Noncompliance 3: no cleanup policies", () => expect(findings(id, (s) => repo(s, true, false)).errors[0].message).toContain("no cleanup_policies"));
});

describe("Subnet rules", () => {
  const subnet = (s: TerraformStack, pga: boolean, logs: boolean) =>
    new ComputeSubnetwork(s, "subnet", { name: "s", network: "n", ipCidrRange: "10.0.0.0/24", privateIpGoogleAccess: pga, logConfig: logs ? { flowSampling: 0.5 } : undefined });
  test("Compliance: Private Google Access and flow logs", () => {
    expect(findings("MLOPS-GCP-SUBNET-PRIVATE-GOOGLE-ACCESS", (s) => subnet(s, true, true)).errors).toEqual([]);
    expect(findings("MLOPS-GCP-SUBNET-FLOW-LOGS", (s) => subnet(s, true, true)).errors).toEqual([]);
  });
  test("MLOPS-GCP-SUBNET-PRIVATE-GOOGLE-ACCESS Noncompliance 1: off", () => {
    expect(findings("MLOPS-GCP-SUBNET-PRIVATE-GOOGLE-ACCESS", (s) => subnet(s, false, true)).errors).toEqual([
      expect.objectContaining({ ruleId: "MLOPS-GCP-SUBNET-PRIVATE-GOOGLE-ACCESS", path: "test/subnet" }),
    ]);
  });
  test("MLOPS-GCP-SUBNET-FLOW-LOGS Noncompliance 1: no log_config", () => {
    expect(findings("MLOPS-GCP-SUBNET-FLOW-LOGS", (s) => subnet(s, true, false)).errors).toEqual([
      expect.objectContaining({ ruleId: "MLOPS-GCP-SUBNET-FLOW-LOGS", path: "test/subnet" }),
    ]);
  });
});

describe("MLOPS-REQUIRED-TAGS on Google resources", () => {
  test("GIVEN provider default labels THEN a labelled resource inherits them", () => {
    expect(findings("MLOPS-REQUIRED-TAGS", (s) => new StorageBucket(s, "bucket", goodBucket)).errors).toEqual([]);
  });
});
