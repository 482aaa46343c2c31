/**
 * The dev-gcp and prod-gcp stacks synthesized from the real environments and catalog (once per
 * file): resource types, the security attributes users depend on, and what differs dev vs prod.
 * A promoted model-api manifest is placed in dev so the digest path is exercised.
 */
import { promotedDeployments } from "../support/deployments";
import { resources, StackJson, synthProject, SynthedApp } from "../support/synth";

const DIGEST = `sha256:${"a".repeat(64)}`;
let built: SynthedApp;
let dev: StackJson;
let prod: StackJson;

beforeAll(() => {
  const deployments = promotedDeployments({ dev: { digest: DIGEST } });
  built = synthProject({ select: "dev,prod", deploymentsDir: deployments, clouds: ["gcp"] });
  dev = built.json("dev-gcp");
  prod = built.json("prod-gcp");
});

const one = (json: StackJson, type: string, pathPart: string) => {
  const hits = Object.values(json.resource?.[type] ?? {}).filter((r) => JSON.stringify((r as { "//"?: unknown })["//"]).includes(pathPart));
  if (hits.length !== 1) throw new Error(`expected one ${type} at ${pathPart}, found ${hits.length}`);
  return hits[0] as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

test("GIVEN the real environments WHEN synthesized THEN both GCP stacks pass the GCP pack with no suppressions", () => {
  const gcpErrors = built.report.errors(built.app).filter((f) => f.path.includes("-gcp/"));
  expect(gcpErrors).toEqual([]);
  expect(built.report.suppressions("dev-gcp").filter((s) => s.source === "construct")).toEqual([]);
  expect(built.report.suppressions("prod-gcp").filter((s) => s.source === "construct")).toEqual([]);
});

describe.each([
  ["dev", () => dev],
  ["prod", () => prod],
])("%s-gcp", (_env, json) => {
  test("THEN every resource type of the platform is there", () => {
    for (const type of [
      "google_project_service",
      "google_compute_network",
      "google_compute_subnetwork",
      "google_compute_router_nat",
      "google_service_networking_connection",
      "google_artifact_registry_repository",
      "google_storage_bucket",
      "google_service_account",
      "google_sql_database_instance",
      "google_sql_user",
      "google_cloud_run_v2_service",
      "google_cloud_run_v2_job",
      "google_storage_notification",
      "google_eventarc_trigger",
      "google_workflows_workflow",
      "google_monitoring_notification_channel",
      "google_monitoring_alert_policy",
      "google_monitoring_uptime_check_config",
      "google_monitoring_dashboard",
      "google_logging_project_bucket_config",
    ]) {
      expect(resources(json(), type).length).toBeGreaterThan(0);
    }
  });

  test("THEN APIs stay enabled on destroy and other resources wait for them", () => {
    for (const api of resources(json(), "google_project_service")) expect(api.disable_on_destroy).toBe(false);
    expect(one(json(), "google_sql_database_instance", "database/instance").depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_sqladmin_/), expect.stringMatching(/^google_service_networking_connection\./)]),
    );
  });

  test("THEN the VPC is custom-mode with Private Google Access, NAT and a private services range", () => {
    expect(resources(json(), "google_compute_network")[0].auto_create_subnetworks).toBe(false);
    const subnet = resources(json(), "google_compute_subnetwork")[0];
    expect(subnet.private_ip_google_access).toBe(true);
    expect(subnet.log_config).toBeDefined();
    expect(resources(json(), "google_compute_global_address")[0]).toMatchObject({ purpose: "VPC_PEERING", address_type: "INTERNAL" });
  });

  test("THEN the registry has immutable tags, keeps the newest N and deletes the rest, tagged or not", () => {
    const repo = resources(json(), "google_artifact_registry_repository")[0];
    expect(repo).toMatchObject({ format: "DOCKER", docker_config: { immutable_tags: true }, cleanup_policy_dry_run: false });
    expect(repo.cleanup_policies).toEqual([
      expect.objectContaining({ action: "KEEP", most_recent_versions: expect.objectContaining({ keep_count: expect.any(Number) }) }),
      expect.objectContaining({ action: "DELETE", condition: expect.objectContaining({ tag_state: "ANY" }) }),
    ]);
  });

  test("THEN the dashboard JSON carries no value the API drops (zero positions, empty groupByFields)", () => {
    const dashboard = JSON.parse(String(resources(json(), "google_monitoring_dashboard")[0].dashboard_json));
    const tiles = dashboard.mosaicLayout.tiles as Record<string, unknown>[];
    expect(tiles.length).toBeGreaterThan(3);
    for (const t of tiles) {
      expect(t.xPos).not.toBe(0);
      expect(t.yPos).not.toBe(0);
    }
    expect(tiles.some((t) => t.xPos === undefined && t.yPos === undefined)).toBe(true);
    expect(JSON.stringify(dashboard)).not.toMatch(/"groupByFields":\[\]/);
    expect(JSON.stringify(dashboard)).toMatch(/"groupByFields":\["metric.label.response_code_class"\]/);
  });

  test("THEN the VPC has an explicit, logged default-deny ingress rule", () => {
    expect(resources(json(), "google_compute_firewall")).toEqual([
      expect.objectContaining({ direction: "INGRESS", priority: 65534, deny: [{ protocol: "all" }], source_ranges: ["0.0.0.0/0"], log_config: { metadata: "INCLUDE_ALL_METADATA" }, network: expect.stringContaining("google_compute_network.") }),
    ]);
  });

  test("THEN all four data buckets are private, uniform, versioned with noncurrent expiry", () => {
    const data = resources(json(), "google_storage_bucket").filter((b) => !String(b.name).includes("access-logs"));
    expect(data.map((b) => String(b.name).split("-").slice(2, -1).join("-")).sort()).toEqual(["mlflow-artifacts", "processed", "raw", "viz"]);
    for (const b of data) {
      expect(b).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: "enforced", versioning: { enabled: true } });
      expect(b.lifecycle_rule).toEqual(expect.arrayContaining([expect.objectContaining({ condition: expect.objectContaining({ days_since_noncurrent_time: expect.any(Number) }) })]));
    }
  });

  test("THEN Cloud SQL has a private IP only, TLS, connector enforcement, backups and IAM authentication, and no password anywhere", () => {
    const db = one(json(), "google_sql_database_instance", "database/instance");
    expect(db.settings.ip_configuration).toMatchObject({ ipv4_enabled: false, ssl_mode: "ENCRYPTED_ONLY" });
    expect(db.settings.connector_enforcement).toBe("REQUIRED");
    expect(db.settings.backup_configuration.enabled).toBe(true);
    expect(db.settings.database_flags).toEqual(expect.arrayContaining([{ name: "cloudsql.iam_authentication", value: "on" }]));
    expect(db.root_password).toBeUndefined();
    const users = resources(json(), "google_sql_user");
    expect(users).toEqual([expect.objectContaining({ type: "CLOUD_IAM_SERVICE_ACCOUNT" })]);
    expect(users[0].password).toBeUndefined();
    // No catalog workload reads a secret of its own: the one secret version is the built-in postgres user's
    // password for day 0's migration job (generated write-only, modules/gcp/database-migration-job.ts); no value
    // in the JSON either.
    expect(resources(json(), "google_secret_manager_secret_version").map((v) => v.secret)).toEqual([expect.stringMatching(/^\$\{google_secret_manager_secret\.secrets_mlflow-db-admin_[0-9A-F]+\.id\}$/)]);
    expect(resources(json(), "google_secret_manager_secret_version")[0].secret_data_wo).toMatch(/^\$\{ephemeral\.random_password\./);
    expect(JSON.stringify(json())).not.toMatch(/"(secret_data|password)"\s*:/);
  });

  test("THEN Cloud Run ingress, invokers and egress follow the catalog", () => {
    const receiver = one(json(), "google_cloud_run_v2_service", "run-receiver/service");
    const modelApi = one(json(), "google_cloud_run_v2_service", "run-model-api/service");
    const mlflow = one(json(), "google_cloud_run_v2_service", "run-mlflow/service");
    expect(receiver.ingress).toBe("INGRESS_TRAFFIC_ALL");
    expect(modelApi.ingress).toBe("INGRESS_TRAFFIC_ALL");
    // MLflow has no auth of its own: internal ingress AND Cloud Run IAM, so only its named clients reach it
    // (every workload egresses into the VPC: the receiver or the transform job could otherwise call it).
    expect(mlflow).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invoker_iam_disabled: false });
    for (const s of [receiver, modelApi]) expect(s.invoker_iam_disabled).toBe(false);
    // jwt services: nobody anonymous; invoker grants go to the Monitoring agent for uptime checks and to MLflow's clients.
    const grants = resources(json(), "google_cloud_run_v2_service_iam_member");
    const members = grants.map((m) => m.member);
    expect(members).not.toContain("allUsers");
    expect(members).not.toContain("allAuthenticatedUsers");
    // MLflow's only contract client is the train job (modules/core/container-contract.ts MLFLOW_CLIENTS); the model API reads models from the bucket.
    const onMlflow = grants.filter((g) => /run-mlflow_service/.test(String(g.name)));
    expect(onMlflow.map((g) => g.member)).toEqual([expect.stringMatching(/^serviceAccount:\$\{google_service_account\.identity-train_account_[0-9A-F]+\.email\}$/)]);
    expect(onMlflow[0].depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_service_account\.identity-train_account_/)]));
    expect(grants.filter((g) => !onMlflow.includes(g)).every((g) => /gcp-sa-monitoring-notification/.test(String(g.member)))).toBe(true);
    for (const s of [receiver, modelApi, mlflow]) {
      expect(s.template.vpc_access.egress).toBe("ALL_TRAFFIC");
      expect(s.template.containers[0].startup_probe.http_get.path).toBe("/health");
      expect(s.template.containers[0].liveness_probe.http_get.path).toBe("/health");
    }
  });

  test("THEN no workload holds a secret (the model API verifies Google's keys), and the MLflow sidecar uses IAM login", () => {
    const modelApi = one(json(), "google_cloud_run_v2_service", "run-model-api/service");
    expect(modelApi.template.containers[0].env.filter((e: { value_source?: unknown }) => e.value_source !== undefined)).toEqual([]);
    // The only secret is the migration job's (the postgres password); no workload references it.
    expect(resources(json(), "google_secret_manager_secret").map((x) => x.secret_id)).toEqual([expect.stringMatching(/-mlflow-db-admin$/)]);
    for (const w of [...resources(json(), "google_cloud_run_v2_service"), ...resources(json(), "google_cloud_run_v2_job").filter((j) => !String(j.name).endsWith("-db-migrate"))]) {
      expect(JSON.stringify(w)).not.toContain("mlflow-db-admin");
    }
    const mlflow = one(json(), "google_cloud_run_v2_service", "run-mlflow/service");
    expect(mlflow.template.containers[1]).toMatchObject({ name: "cloud-sql-proxy", args: expect.arrayContaining(["--auto-iam-authn", "--private-ip"]) });
    const env = Object.fromEntries(mlflow.template.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]));
    // No password anywhere: the proxy logs in with the account's IAM token.
    expect(env).toMatchObject({ DB_HOST: "127.0.0.1", DB_PORT: "5432", DB_SSLMODE: "disable", DB_AUTH: "iam" });
    // References to the database and the IAM user (not literals): MLflow is created after both.
    expect(env.DB_NAME).toMatch(/^\$\{google_sql_database\.database_[0-9A-F]+\.name\}$/);
    expect(env.DB_USER).toMatch(/^\$\{google_sql_user\.database_iam-mlops-[a-z]+-mlflow_[0-9A-F]+\.name\}$/);
    expect(env).not.toHaveProperty("DB_PASSWORD");
  });

  test("THEN each service account holds only the bucket roles its spec names", () => {
    const grants = resources(json(), "google_storage_bucket_iam_member").filter((g) => String(g.member).includes("serviceAccount:${google_service_account.identity-"));
    const of = (svc: string) => grants.filter((g) => String(g.member).includes(`identity-${svc}_`)).map((g) => `${String(g.bucket).match(/storage_([a-z-]+)_/)![1]}:${g.role}`).sort();
    expect(of("receiver")).toEqual(["raw:roles/storage.objectUser"]);
    expect(of("model-api")).toEqual(["mlflow-artifacts:roles/storage.objectViewer"]);
    expect(of("train")).toEqual(["mlflow-artifacts:roles/storage.objectUser", "processed:roles/storage.objectViewer"]);
    expect(of("transform")).toEqual(["processed:roles/storage.objectUser", "raw:roles/storage.objectViewer", "viz:roles/storage.objectUser"]);
    // The only secret grant: the migration job's account reads the postgres password.
    const secretGrants = resources(json(), "google_secret_manager_secret_iam_member");
    expect(secretGrants.map((g) => g.member)).toEqual([expect.stringMatching(/^serviceAccount:\$\{google_service_account\.db-migrate_account_[0-9A-F]+\.email\}$/)]);
  });

  test("THEN an object finalized under raw/incoming/ starts the transform job", () => {
    const n = resources(json(), "google_storage_notification")[0];
    expect(n).toMatchObject({ event_types: ["OBJECT_FINALIZE"], object_name_prefix: "raw/incoming/", payload_format: "JSON_API_V1" });
    expect(String(n.bucket)).toContain("storage_raw_");
    const wf = resources(json(), "google_workflows_workflow")[0];
    expect(wf.source_contents).toContain("googleapis.run.v2.projects.locations.jobs.run");
    expect(wf.source_contents).toContain("google_cloud_run_v2_job.run-transform_job");
    expect(resources(json(), "google_cloud_run_v2_job_iam_member")[0].role).toBe("roles/run.jobsExecutorWithOverrides");
  });

  test("THEN monitoring alerts by e-mail per service and checks the public API's health with authentication", () => {
    expect(resources(json(), "google_monitoring_notification_channel")[0]).toMatchObject({ type: "email", labels: { email_address: expect.stringContaining("@example.com") } });
    const names = resources(json(), "google_monitoring_alert_policy").map((a) => String(a.display_name));
    for (const svc of ["receiver", "mlflow", "model-api"]) {
      expect(names.some((n) => n.includes(`${svc} 5xx ratio`))).toBe(true);
      expect(names.some((n) => n.includes(`${svc} p99 latency`))).toBe(true);
      expect(names.some((n) => n.includes(`${svc} at maximum instances`))).toBe(true);
    }
    expect(names.some((n) => n.includes("transform job execution failed"))).toBe(true);
    const uptime = resources(json(), "google_monitoring_uptime_check_config");
    expect(uptime).toHaveLength(2);
    for (const u of uptime) expect(u.http_check).toMatchObject({ path: "/health", use_ssl: true, service_agent_authentication: { type: "OIDC_TOKEN" } });
    expect(Object.keys(json().output ?? {})).toEqual(expect.arrayContaining(["console_runtime", "console_dashboard", "console_alerting", "console_database", "url_model_api"]));
    expect(json().output!.console_dashboard.value).toMatch(/^https:\/\/console\.cloud\.google\.com\/monitoring\/dashboards\/builder\/\$\{element\(split\("\/", google_monitoring_dashboard\.[^.]+\.id\), 3\)\}\?project=/);
  });

  test("THEN each uptime invoker grant names its Cloud Run service by reference and comes after its uptime check", () => {
    const grants = resources(json(), "google_cloud_run_v2_service_iam_member").filter((g) => /gcp-sa-monitoring-notification/.test(String(g.member)));
    expect(grants).toHaveLength(2);
    for (const g of grants) {
      // A plain name would let the grant run before the service exists (it only waited for run.googleapis.com).
      expect(g.name).toMatch(/^\$\{google_cloud_run_v2_service\.run-(receiver|model-api)_service_[A-Z0-9]+\.name\}$/);
      // Monitoring creates its service agent lazily; the grant follows the check that uses it.
      expect(g.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_monitoring_uptime_check_config\./)]));
    }
  });

  test("THEN grants to Google service agents wait until the agent exists (the storage agent is read, which provisions it)", () => {
    // The only data source, and not a config lookup: reading it makes Google create the storage agent.
    // It waits for the storage API, so a fresh project reads it at apply, not at plan.
    expect(Object.keys(json().data ?? {})).toEqual(["google_storage_project_service_account"]);
    const agent = Object.values(json().data!.google_storage_project_service_account);
    expect(agent).toEqual([expect.objectContaining({ depends_on: [expect.stringMatching(/^google_project_service\.apis_storage_/)] })]);
    const agentMember = "${data.google_storage_project_service_account.storage-service-agent.member}";
    expect(resources(json(), "google_pubsub_topic_iam_member")).toEqual([expect.objectContaining({ role: "roles/pubsub.publisher", member: agentMember })]);
    expect(JSON.stringify(json())).not.toContain("@gs-project-accounts.iam.gserviceaccount.com");
  });

  test("THEN Cloud Resource Manager is enabled and project IAM bindings wait for it; Service Usage stays a bootstrap prerequisite", () => {
    const apis = resources(json(), "google_project_service").map((a) => a.service);
    expect(apis).toContain("cloudresourcemanager.googleapis.com");
    // Enabling serviceusage through google_project_service would need serviceusage already on: documented in project-services.ts.
    expect(apis).not.toContain("serviceusage.googleapis.com");
    const projectGrants = resources(json(), "google_project_iam_member");
    expect(projectGrants.length).toBeGreaterThan(0);
    for (const g of projectGrants) expect(g.depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_cloudresourcemanager_/)]));
  });

  test("THEN the provider labels every resource with the environment's tags, hyphenated keys intact", () => {
    const labels = json().provider!.google[0].default_labels as Record<string, string>;
    expect(labels).toMatchObject({ "cost-center": expect.any(String), "managed-by": "cdktf", cloud: "gcp" });
  });
});

describe("dev is cheap, prod is resilient", () => {
  const db = (json: StackJson) => one(json, "google_sql_database_instance", "database/instance");

  test("Cloud SQL: zonal, small, unprotected in dev; regional HA, larger, protected with PITR in prod", () => {
    expect(db(dev)).toMatchObject({ deletion_protection: false, settings: { availability_type: "ZONAL", tier: "db-custom-1-3840", deletion_protection_enabled: false } });
    expect(db(prod)).toMatchObject({ deletion_protection: true, settings: { availability_type: "REGIONAL", tier: "db-custom-2-7680", deletion_protection_enabled: true } });
    expect(db(prod).settings.backup_configuration).toMatchObject({ point_in_time_recovery_enabled: true, backup_retention_settings: { retained_backups: 14 } });
    expect(db(dev).settings.backup_configuration.backup_retention_settings.retained_backups).toBe(1);
  });

  test("Buckets: Google-managed keys and force-destroy in dev; CMEK and access logs in prod", () => {
    for (const b of resources(dev, "google_storage_bucket")) {
      expect(b.force_destroy).toBe(true);
      expect(b.encryption).toBeUndefined();
    }
    expect(resources(dev, "google_kms_crypto_key")).toEqual([]);
    const prodData = resources(prod, "google_storage_bucket").filter((b) => !String(b.name).includes("access-logs"));
    for (const b of prodData) {
      expect(b.force_destroy).toBe(false);
      expect(String((b.encryption as { default_kms_key_name: string }).default_kms_key_name)).toContain("google_kms_crypto_key.");
      expect(b.logging).toMatchObject({ log_bucket: expect.stringContaining("access-logs") });
    }
    expect(resources(prod, "google_kms_crypto_key")[0]).toMatchObject({ rotation_period: `${90 * 86400}s`, lifecycle: { prevent_destroy: true } });
  });

  test("CMEK in prod: the storage agent's key grant uses the provisioned agent, Artifact Registry's waits for its API", () => {
    // Composer's agent grant belongs to the Airflow construct (modules/gcp/composer.ts), asserted there.
    const grants = resources(prod, "google_kms_crypto_key_iam_member").filter((g) => !String((g["//"] as { metadata: { path: string } }).metadata.path).includes("/airflow/"));
    const grant = (user: string) => one(prod, "google_kms_crypto_key_iam_member", `encryption-key/use-${user}`);
    expect(grants).toHaveLength(3);
    expect(grant("pubsub").member).toBe("serviceAccount:service-100000000003@gcp-sa-pubsub.iam.gserviceaccount.com");
    expect(grant("storage").member).toBe("${data.google_storage_project_service_account.storage-service-agent.member}");
    expect(grant("artifact-registry").member).toBe("serviceAccount:service-100000000003@gcp-sa-artifactregistry.iam.gserviceaccount.com");
    expect(grant("artifact-registry").depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_artifactregistry_/)]));
  });

  test("Cloud Run: deletion protection and instance bounds from the environment", () => {
    const api = (json: StackJson) => one(json, "google_cloud_run_v2_service", "run-model-api/service");
    expect(api(dev)).toMatchObject({ deletion_protection: false, template: { scaling: { min_instance_count: 1, max_instance_count: 2 } } });
    expect(api(prod)).toMatchObject({ deletion_protection: true, template: { scaling: { min_instance_count: 2, max_instance_count: 6 } } });
  });

  test("Logs and flow logs: short retention and sampling in dev, long and full in prod", () => {
    expect(resources(dev, "google_logging_project_bucket_config")[0].retention_days).toBe(14);
    expect(resources(prod, "google_logging_project_bucket_config")[0].retention_days).toBe(365);
    expect(resources(dev, "google_compute_subnetwork")[0].log_config).toMatchObject({ flow_sampling: 0.5 });
    expect(resources(prod, "google_compute_subnetwork")[0].log_config).toMatchObject({ flow_sampling: 1 });
  });

  test("Images: a promoted manifest pins the digest in dev, prod runs the catalog tag", () => {
    const image = (json: StackJson) => one(json, "google_cloud_run_v2_service", "run-model-api/service").template.containers[0].image;
    expect(image(dev)).toBe(`europe-west3-docker.pkg.dev/mlops-dev-1234/mlops-dev-images/model-api@${DIGEST}`);
    expect(image(prod)).toBe("europe-west3-docker.pkg.dev/mlops-prod-1234/mlops-prod-images/model-api:0.1.0");
  });
});

test("GIVEN both stacks THEN no secret-looking literal appears anywhere in the JSON", () => {
  for (const json of [dev, prod]) {
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"(password|secret_data|root_password)"\s*:/);
    expect(text).not.toMatch(/:\/\/[^/\s:@"]+:[^/\s@"]+@/); // no user:password@ in any URI
    expect(text).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  }
});
