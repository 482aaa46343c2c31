/**
 * The real environments' Azure stacks, synthesized once: resource types, security attributes,
 * dev-cheap versus prod-resilient, secrets only as references, the trigger, alerts and outputs.
 */
import { promotedDeployments } from "../support/deployments";
import { resources, StackJson, SynthedApp, synthProject } from "../support/synth";

const DIGEST = `sha256:${"ab".repeat(32)}`;
let built: SynthedApp;
let dev: StackJson;
let prod: StackJson;

beforeAll(() => {
  // A promoted model-api manifest in prod only: prod must run that digest, dev the catalog's tag.
  const deployments = promotedDeployments({ prod: { digest: DIGEST } });
  built = synthProject({ select: "dev,prod", deploymentsDir: deployments, clouds: ["azure"] });
  dev = built.json("dev-azure");
  prod = built.json("prod-azure");
});

const one = (json: StackJson, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0];
};
const byName = (json: StackJson, type: string) => Object.fromEntries(resources(json, type).map((r) => [r.name as string, r]));
type Container = { image: string; cpu: number; memory: string; env: { name: string; value?: string; secret_name?: string }[]; liveness_probe?: unknown[]; readiness_probe?: unknown[]; startup_probe?: unknown[] };
const containerOf = (app: Record<string, unknown>) => (app.template as { container: Container[] }).container[0];

/** Airflow (asserted in platform-airflow.test.ts) is left out of the platform-service counts below. */
const notAirflow = (r: Record<string, unknown>) => !String((r["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? "").includes("/airflow/");

describe("Azure platform stack: shape", () => {
  test.each(["dev", "prod"])("GIVEN %s WHEN synthesized THEN every part of the platform is there", (env) => {
    const json = env === "dev" ? dev : prod;
    for (const type of [
      "azurerm_resource_group", "azurerm_virtual_network", "azurerm_network_security_group", "azurerm_container_registry",
      "azurerm_storage_account", "azurerm_storage_container", "azurerm_key_vault", "azurerm_postgresql_flexible_server",
      "azurerm_log_analytics_workspace", "azurerm_application_insights", "azurerm_container_app_environment", "azurerm_container_app",
      "azurerm_container_app_job", "azurerm_eventgrid_system_topic", "azurerm_eventgrid_system_topic_event_subscription",
      "azurerm_monitor_action_group", "azurerm_monitor_metric_alert",
    ]) {
      expect(resources(json, type).length).toBeGreaterThan(0);
    }
    expect(Object.keys(byName(json, "azurerm_container_app")).filter((n) => !n.includes("-airflow-")).sort()).toEqual([`mlops-${env}-mlflow`, `mlops-${env}-model-api`, `mlops-${env}-receiver`]);
    // The catalog's jobs, and day 0's database migration (modules/azure/database-migration-job.ts).
    expect(resources(json, "azurerm_container_app_job").map((j) => j.name).sort()).toEqual([`mlops-${env}-db-migrate`, `mlops-${env}-train`, `mlops-${env}-transform`]);
  });

  test("GIVEN both environments WHEN policy ran THEN no Azure finding fails synth, and the one suppression carries its reason", () => {
    const azureErrors = built.report.errors(built.app).filter((f) => f.path.includes("-azure/"));
    expect(azureErrors).toEqual([]);
    const sups = built.report.suppressions("prod-azure").filter((s) => s.source === "construct").map((s) => s.ruleId).sort();
    expect(sups).toEqual(["MLOPS-AZURE-STORAGE-SHARED-KEY"]);
  });

  test("GIVEN the provider WHEN synthesized THEN it is pinned to the subscription and tenant and talks to storage with Entra ID", () => {
    expect(prod.provider?.azurerm?.[0]).toMatchObject({
      subscription_id: "00000000-0000-0000-0000-000000000003",
      tenant_id: "00000000-0000-0000-0000-0000000000aa",
      storage_use_azuread: true,
      features: [expect.objectContaining({ storage: [{ data_plane_available: false }], key_vault: [expect.objectContaining({ purge_soft_delete_on_destroy: false })] })],
    });
    expect(prod.terraform?.backend?.azurerm).toMatchObject({ key: "mlops/prod-azure.tfstate", use_azuread_auth: true });
    expect(dev.terraform?.backend?.azurerm).toMatchObject({ key: "mlops/dev-azure.tfstate", use_azuread_auth: true });
  });

  test("GIVEN every taggable resource WHEN synthesized THEN it carries the environment's tags (no default tags on Azure)", () => {
    const tagged = Object.values(prod.resource ?? {}).flatMap((byId) => Object.values(byId)).filter((r) => r.tags !== undefined);
    expect(tagged.length).toBeGreaterThan(30);
    for (const r of tagged) expect(r.tags).toMatchObject({ environment: "prod", cloud: "azure", "managed-by": "cdktf", owner: "ml-platform" });
    expect(one(prod, "azurerm_container_registry").tags).toBeDefined();
  });

  test("GIVEN the plan path WHEN synthesized THEN no data source is read (no cloud API call, nothing that flips with the caller)", () => {
    expect(Object.keys(prod.data ?? {})).toEqual([]);
  });
});

describe("Azure platform stack: secrets are never values", () => {
  test.each(["dev", "prod"])("GIVEN %s WHEN synthesized THEN Key Vault secrets are write-only or references and no password argument exists", (env) => {
    const json = env === "dev" ? dev : prod;
    for (const s of resources(json, "azurerm_key_vault_secret")) {
      if (s.value !== undefined) expect(s.value).toMatch(/^\$\{azurerm_storage_account\.[^}]+\.primary_connection_string\}$/);
      // Airflow's connection string and keys are composed from ephemeral values: still write-only.
      else expect(s.value_wo).toMatch(notAirflow(s) ? /^\$\{ephemeral\.random_password\.[a-z0-9_]+\.result\}$/ : /ephemeral\./);
    }
    const pg = one(json, "azurerm_postgresql_flexible_server");
    expect(pg.administrator_password).toBeUndefined();
    // The server reads the password back from Key Vault, so a retried apply can never leave the two apart.
    expect(pg.administrator_password_wo).toMatch(/^\$\{ephemeral\.azurerm_key_vault_secret\.[a-z0-9_]+\.value\}$/);
    // The read-back names the written version: plan opens ephemerals with known arguments regardless of depends_on.
    const ephemeral = (json as { ephemeral?: Record<string, Record<string, { version?: string }>> }).ephemeral!;
    const [read] = Object.values(ephemeral.azurerm_key_vault_secret);
    expect(read.version).toMatch(/^\$\{azurerm_key_vault_secret\.[^}]+\.version\}$/);
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/"(administrator_password|password|client_secret|access_key)"\s*:/);
  });

  test("GIVEN apps and jobs WHEN synthesized THEN every secret is a Key Vault reference read by the workload's identity", () => {
    for (const r of [...resources(prod, "azurerm_container_app"), ...resources(prod, "azurerm_container_app_job")]) {
      for (const s of (r.secret as Record<string, unknown>[] | undefined) ?? []) {
        expect(s.value).toBeUndefined();
        expect(s.key_vault_secret_id).toMatch(/^\$\{azurerm_key_vault_secret\.[^}]+\.versionless_id\}$/);
        expect(s.identity).toMatch(/^\$\{azurerm_user_assigned_identity\./);
      }
    }
    const mlflow = containerOf(byName(prod, "azurerm_container_app")["mlops-prod-mlflow"]);
    expect(mlflow.env).toEqual(expect.arrayContaining([{ name: "DB_PASSWORD", secret_name: "db-password" }]));
    const api = containerOf(byName(prod, "azurerm_container_app")["mlops-prod-model-api"]);
    expect(api.env.filter((e) => e.secret_name !== undefined)).toEqual([]); // it verifies tokens with the issuer's keys
  });

  test("GIVEN MLflow WHEN synthesized THEN it connects as its own role mlflow_app with that role's generated password, never as the server admin", () => {
    for (const json of [dev, prod]) {
      const pg = one(json, "azurerm_postgresql_flexible_server");
      const app = Object.values(json.resource!.azurerm_container_app).find((r) => String(r.name).endsWith("-mlflow"))!;
      const env = containerOf(app).env;
      expect(env).toEqual(expect.arrayContaining([{ name: "DB_USER", value: "mlflow_app" }, { name: "DB_PASSWORD", secret_name: "db-password" }]));
      expect(pg.administrator_login).not.toBe("mlflow_app");
      // db-password is the role's secret, generated write-only into Key Vault: not the admin's.
      const ref = (app.secret as { name: string; key_vault_secret_id: string }[]).find((x) => x.name === "db-password")!.key_vault_secret_id;
      const address = /^\$\{azurerm_key_vault_secret\.([^.]+)\.versionless_id\}$/.exec(ref)![1];
      const secret = json.resource!.azurerm_key_vault_secret[address];
      expect(secret).toMatchObject({ name: "mlflow-db-role-password", value_wo: expect.stringMatching(/^\$\{ephemeral\.random_password\.[a-z0-9_]+\.result\}$/), value_wo_version: 1 });
      expect(secret.value).toBeUndefined();
      expect(pg.administrator_password_wo).toBe("${ephemeral.azurerm_key_vault_secret.secrets_mlflow_db_password.value}");
    }
  });

  test("GIVEN Airflow WHEN synthesized THEN the stack declares its database login for day 0: the role and database its connection URL uses, its own schema, the secret holding its password", () => {
    for (const json of [dev, prod]) {
      const locals = (json as { locals?: Record<string, Record<string, string>> }).locals ?? {};
      const login = locals.mlops_database_login_airflow;
      expect(login).toMatchObject({ owner: "Airflow", role: "airflow", schema: "airflow", login: "password" });
      const server = Object.keys(json.resource!.azurerm_postgresql_flexible_server)[0];
      expect(login.server).toBe(`\${azurerm_postgresql_flexible_server.${server}.id}`);
      const secrets = json.resource!.azurerm_key_vault_secret;
      const secretOf = (ref: string) => secrets[/^\$\{azurerm_key_vault_secret\.([^.]+)\.name\}$/.exec(ref)![1]];
      expect(secretOf(login.passwordSecret).name).toBe("airflow-db-password");
      // Airflow's connection URL names the same login and database, and the password read back from that secret.
      const url = String(Object.values(secrets).find((x) => x.name === "airflow-db-conn")!.value_wo);
      const m = /^postgresql\+psycopg2:\/\/([^:]+):\$\{ephemeral\.azurerm_key_vault_secret\.([a-z0-9_]+)\.value\}@[^/]+\/([^?]+)\?/.exec(url)!;
      expect([m[1], m[3]]).toEqual([login.role, login.database]);
      const database = /^\$\{azurerm_postgresql_flexible_server_database\.([^.]+)\.name\}$/.exec(login.database)![1];
      expect(json.resource!.azurerm_postgresql_flexible_server_database[database].name).toBe("airflow");
      const ephemeral = (json as { ephemeral?: Record<string, Record<string, { name: string }>> }).ephemeral!;
      expect(ephemeral.azurerm_key_vault_secret[m[2]].name).toBe("airflow-db-password");
    }
  });

  test("GIVEN the Key Vault roles WHEN synthesized THEN each reader holds Secrets User on one secret only", () => {
    const readers = resources(prod, "azurerm_role_assignment").filter(notAirflow).filter((r) => r.role_definition_name === "Key Vault Secrets User");
    expect(readers.length).toBe(3); // mlflow and the migration job: db password, transform: queue connection
    for (const r of readers) expect(r.scope).toMatch(/\.resource_versionless_id\}$/);
  });
});

describe("Azure platform stack: runtime", () => {
  test("GIVEN the catalog WHEN synthesized THEN receiver and model-api are external, mlflow internal, all HTTPS-only", () => {
    const apps = byName(prod, "azurerm_container_app");
    const ingress = (n: string) => apps[n].ingress as Record<string, unknown>;
    expect(ingress("mlops-prod-receiver")).toMatchObject({ external_enabled: true, target_port: 8080, allow_insecure_connections: false });
    expect(ingress("mlops-prod-model-api")).toMatchObject({ external_enabled: true, target_port: 8000, allow_insecure_connections: false });
    expect(ingress("mlops-prod-mlflow")).toMatchObject({ external_enabled: false, target_port: 5000, allow_insecure_connections: false });
  });

  test("GIVEN a service WHEN synthesized THEN images come from ACR through the pull identity, with probes and HTTP scaling", () => {
    const app = byName(dev, "azurerm_container_app")["mlops-dev-receiver"];
    expect(app.registry).toEqual([{ server: expect.stringContaining("azurerm_container_registry."), identity: expect.stringContaining("registry_pull-identity") }]);
    expect((app.identity as { type: string; identity_ids: string[] }).identity_ids).toHaveLength(2);
    const c = containerOf(app);
    expect(c.image).toMatch(/\.login_server\}\/receiver:0\.1\.0$/);
    expect(c).toMatchObject({ cpu: 0.25, memory: "0.5Gi" });
    for (const p of [c.liveness_probe, c.readiness_probe, c.startup_probe]) expect(p).toEqual([expect.objectContaining({ path: "/health", port: 8080, transport: "HTTP" })]);
    const template = app.template as Record<string, unknown>;
    expect(template).toMatchObject({ min_replicas: 1, max_replicas: 2, http_scale_rule: [expect.objectContaining({ concurrent_requests: "50" })] });
    expect(app.depends_on).toEqual(expect.arrayContaining([expect.stringContaining("registry_acr-pull")]));
  });

  test("GIVEN a promoted manifest in prod WHEN synthesized THEN model-api runs that digest there and the tag in dev", () => {
    expect(containerOf(byName(prod, "azurerm_container_app")["mlops-prod-model-api"]).image).toMatch(new RegExp(`/model-api@${DIGEST}$`));
    expect(containerOf(byName(dev, "azurerm_container_app")["mlops-dev-model-api"]).image).toMatch(/\/model-api:0\.1\.0$/);
  });

  test("GIVEN the jwt services WHEN synthesized THEN they carry the Entra ID issuer, audience, admin paths and admin role for the API's own check, and internal ones none", () => {
    const env = containerOf(byName(prod, "azurerm_container_app")["mlops-prod-model-api"]).env;
    expect(env).toEqual(
      expect.arrayContaining([
        { name: "AUTH_ISSUER", value: "https://login.microsoftonline.com/00000000-0000-0000-0000-0000000000aa/v2.0" },
        { name: "AUTH_AUDIENCE", value: "api://mlops-prod-model-api" },
        { name: "AUTH_ADMIN_PATHS", value: "/retrain,/reload" },
        { name: "AUTH_ADMIN_CLAIM", value: "roles" },
        { name: "AUTH_ADMIN_VALUES", value: "admins" },
      ]),
    );
    expect(containerOf(byName(prod, "azurerm_container_app")["mlops-prod-mlflow"]).env.find((e) => e.name === "AUTH_ISSUER")).toBeUndefined();
  });

  test("GIVEN the services' buckets WHEN synthesized THEN each identity gets exactly the container roles its spec asks for", () => {
    // The CI identities' account-level grants are asserted in azure-ci-identity.test.ts.
    const blobRoles = resources(prod, "azurerm_role_assignment").filter(notAirflow).filter(
      (r) => String(r.role_definition_name).startsWith("Storage Blob Data") && !String(r.principal_id).startsWith("${azurerm_user_assigned_identity.ci_"),
    );
    const pairs = blobRoles.map((r) => `${r.role_definition_name}@${String(r.scope).match(/storage_([a-z-]+)_/)?.[1] ?? "dead-letters"}`).sort();
    expect(pairs).toEqual(
      [
        "Storage Blob Data Contributor@raw", // receiver
        "Storage Blob Data Contributor@mlflow-artifacts", // mlflow
        "Storage Blob Data Reader@mlflow-artifacts", // model-api
        "Storage Blob Data Reader@processed", "Storage Blob Data Contributor@mlflow-artifacts", // train
        "Storage Blob Data Reader@raw", "Storage Blob Data Contributor@processed", "Storage Blob Data Contributor@viz", // transform
        "Storage Blob Data Contributor@dead-letters", // event grid dead letters
      ].sort(),
    );
  });

  test("GIVEN the environment WHEN synthesized THEN it is on the VNet's apps subnet, logs to the workspace, with mTLS", () => {
    const env = one(dev, "azurerm_container_app_environment");
    expect(env).toMatchObject({
      infrastructure_subnet_id: expect.stringContaining("network_apps-subnet"),
      logs_destination: "azure-monitor",
      mutual_tls_enabled: true,
      internal_load_balancer_enabled: false,
      workload_profile: [{ name: "Consumption", workload_profile_type: "Consumption" }],
    });
    // "log-analytics" ingests with the shared key, which the workspace (local auth off) refuses: logs would vanish.
    expect(env.log_analytics_workspace_id).toBeUndefined();
    expect(one(dev, "azurerm_log_analytics_workspace").local_authentication_enabled).toBe(false);
    for (const json of [dev, prod]) {
      const diag = resources(json, "azurerm_monitor_diagnostic_setting").filter((d) => String(d.target_resource_id).includes("azurerm_container_app_environment."));
      expect(diag).toEqual([
        expect.objectContaining({
          log_analytics_workspace_id: expect.stringContaining("azurerm_log_analytics_workspace."),
          log_analytics_destination_type: "Dedicated",
          enabled_log: [{ category_group: "allLogs" }],
        }),
      ]);
    }
  });
});

describe("Azure platform stack: what applies but would drift or fail later (issue 15 item 5)", () => {
  test("GIVEN storage service diagnostic settings WHEN synthesized THEN they ask for Capacity and Transaction, the categories Azure returns, never AllMetrics", () => {
    const storageSettings = resources(prod, "azurerm_monitor_diagnostic_setting").filter((d) => /\/(blob|queue)Services\/default$/.test(String(d.target_resource_id)));
    expect(storageSettings.length).toBeGreaterThanOrEqual(1);
    for (const d of storageSettings) expect(d.enabled_metric).toEqual([{ category: "Capacity" }, { category: "Transaction" }]);
  });

  test.each(["dev", "prod"])("GIVEN %s WHEN synthesized THEN no reference uses a storage container's deprecated resource_manager_id", (env) => {
    expect(JSON.stringify(env === "dev" ? dev : prod)).not.toContain(".resource_manager_id}");
  });

  test("GIVEN the queue account (the one with shared keys) WHEN synthesized THEN blob soft delete, SAS tokens limited to an hour, and queue logs to Log Analytics", () => {
    const queue = resources(prod, "azurerm_storage_account").find((a) => a.shared_access_key_enabled === true)!;
    expect(queue).toMatchObject({ blob_properties: { delete_retention_policy: { days: 7 } }, sas_policy: { expiration_period: "00.01:00:00", expiration_action: "Log" } });
    const diag = resources(prod, "azurerm_monitor_diagnostic_setting").filter((d) => String(d.target_resource_id).endsWith("/queueServices/default"));
    expect(diag).toEqual([expect.objectContaining({ enabled_log: [{ category_group: "allLogs" }], log_analytics_workspace_id: expect.stringContaining("azurerm_log_analytics_workspace.") })]);
  });

  test("GIVEN public apps WHEN synthesized THEN no NSG rule pretends to open or restrict them (callers are restricted per app by ingress IP rules)", () => {
    const rules = resources(prod, "azurerm_network_security_rule");
    expect(rules.filter((r) => r.source_address_prefix === "Internet")).toEqual([]);
  });
});

describe("Azure platform stack: data arrival trigger", () => {
  test("GIVEN the transform job WHEN synthesized THEN blob-created events under raw/incoming/ go to a queue the job scales on", () => {
    expect(one(prod, "azurerm_eventgrid_system_topic")).toMatchObject({ topic_type: "Microsoft.Storage.StorageAccounts", source_resource_id: expect.stringContaining("storage_account_") });
    const sub = one(prod, "azurerm_eventgrid_system_topic_event_subscription");
    expect(sub).toMatchObject({
      included_event_types: ["Microsoft.Storage.BlobCreated"],
      subject_filter: { subject_begins_with: "/blobServices/default/containers/raw/blobs/raw/incoming/", case_sensitive: true },
      delivery_identity: { type: "SystemAssigned" },
      storage_queue_endpoint: expect.objectContaining({ queue_name: expect.stringContaining("azurerm_storage_queue.") }),
    });
    const job = byName(prod, "azurerm_container_app_job")["mlops-prod-transform"];
    const rule = (job.event_trigger_config as { scale: { rules: Record<string, unknown>[]; min_executions: number; max_executions: number }[] }).scale[0];
    expect(rule).toMatchObject({ min_executions: 0, max_executions: 1 });
    expect(rule.rules[0]).toMatchObject({ custom_rule_type: "azure-queue", authentication: [{ secret_name: "queue-connection", trigger_parameter: "connection" }] });
    expect(job.manual_trigger_config).toBeUndefined();
    // The job takes its event from this queue and deletes it when done (images/transform/transform_job/queue_event.py).
    expect(containerOf(job).env.find((e) => e.name === "EVENT_QUEUE_URL")?.value).toMatch(/primary_queue_endpoint\}\$\{azurerm_storage_queue\./);
    expect(byName(prod, "azurerm_container_app_job")["mlops-prod-train"].manual_trigger_config).toEqual({ parallelism: 1, replica_completion_count: 1 });
  });

  test("GIVEN the queue account WHEN synthesized THEN it is the only one with shared keys, and still private and TLS 1.2", () => {
    const accounts = resources(prod, "azurerm_storage_account");
    expect(accounts).toHaveLength(2);
    const queueAccount = accounts.find((a) => a.shared_access_key_enabled === true)!;
    expect(queueAccount).toMatchObject({ allow_nested_items_to_be_public: false, min_tls_version: "TLS1_2", https_traffic_only_enabled: true });
    expect(accounts.filter((a) => a.shared_access_key_enabled === false)).toHaveLength(1);
  });
});

describe("Azure platform stack: dev is cheap, prod resilient", () => {
  test("GIVEN dev WHEN synthesized THEN Basic ACR, LRS storage, Burstable PostgreSQL without HA, no locks, 7-day Key Vault retention", () => {
    expect(one(dev, "azurerm_container_registry")).toMatchObject({ sku: "Basic", admin_enabled: false });
    expect(byName(dev, "azurerm_storage_account")).toBeDefined();
    expect(resources(dev, "azurerm_storage_account").find((a) => a.shared_access_key_enabled === false)).toMatchObject({ account_replication_type: "LRS", infrastructure_encryption_enabled: false });
    const pg = one(dev, "azurerm_postgresql_flexible_server");
    expect(pg).toMatchObject({ sku_name: "B_Standard_B1ms", geo_redundant_backup_enabled: false, backup_retention_days: 7 });
    expect(pg.high_availability).toBeUndefined();
    expect(resources(dev, "azurerm_management_lock")).toHaveLength(0);
    expect(one(dev, "azurerm_key_vault")).toMatchObject({ soft_delete_retention_days: 7, purge_protection_enabled: true });
    expect(one(dev, "azurerm_container_app_environment").zone_redundancy_enabled).toBe(false);
    expect(resources(dev, "azurerm_private_endpoint")).toHaveLength(2); // Key Vault and Blob; Basic ACR has none
  });

  test("GIVEN prod WHEN synthesized THEN private Premium ACR, GZRS storage (zone and region), zone-redundant HA PostgreSQL, locks, 90-day retention", () => {
    expect(one(prod, "azurerm_container_registry")).toMatchObject({
      sku: "Premium", public_network_access_enabled: false, zone_redundancy_enabled: true, retention_policy_in_days: 7,
    });
    expect(resources(prod, "azurerm_storage_account").find((a) => a.shared_access_key_enabled === false)).toMatchObject({ account_replication_type: "GZRS", infrastructure_encryption_enabled: true });
    expect(one(prod, "azurerm_postgresql_flexible_server")).toMatchObject({
      sku_name: "GP_Standard_D2ds_v5",
      high_availability: { mode: "ZoneRedundant" },
      geo_redundant_backup_enabled: true,
      backup_retention_days: 14,
    });
    expect(resources(prod, "azurerm_management_lock").map((l) => l.name).sort()).toEqual(["do-not-delete-data", "do-not-delete-database"]);
    expect(one(prod, "azurerm_key_vault").soft_delete_retention_days).toBe(90);
    expect(one(prod, "azurerm_container_app_environment").zone_redundancy_enabled).toBe(true);
    expect(resources(prod, "azurerm_private_endpoint")).toHaveLength(3);
    // Airflow runs one replica per component (one scheduler with LocalExecutor): not a served app.
    const minReplicas = resources(prod, "azurerm_container_app").filter(notAirflow).map((a) => (a.template as { min_replicas: number }).min_replicas);
    expect(minReplicas.every((n) => n >= 2)).toBe(true);
    // prod keeps Blob access logs; dev does not
    const blobDiag = (json: StackJson) => resources(json, "azurerm_monitor_diagnostic_setting").filter((d) => String(d.target_resource_id).endsWith("/blobServices/default"));
    expect(blobDiag(prod)).toHaveLength(1);
    expect(blobDiag(dev)).toHaveLength(0);
  });

  test("GIVEN logRetentionDays WHEN synthesized THEN prod keeps 365 days, dev is raised to Log Analytics' floor of 30", () => {
    expect(one(prod, "azurerm_log_analytics_workspace")).toMatchObject({ retention_in_days: 365, local_authentication_enabled: false });
    expect(one(dev, "azurerm_log_analytics_workspace").retention_in_days).toBe(30);
  });
});

describe("Azure platform stack: monitoring and outputs", () => {
  test("GIVEN the apps WHEN synthesized THEN the alert e-mail gets 5xx, restart and CPU alerts per app", () => {
    expect(one(prod, "azurerm_monitor_action_group").email_receiver).toEqual([
      expect.objectContaining({ email_address: "mlops-oncall@example.com", use_common_alert_schema: true }),
    ]);
    const alerts = resources(prod, "azurerm_monitor_metric_alert").filter(notAirflow);
    expect(alerts).toHaveLength(9);
    const metrics = alerts.map((a) => (a.criteria as { metric_name: string }[])[0].metric_name).sort();
    expect(metrics).toEqual(["Requests", "Requests", "Requests", "RestartCount", "RestartCount", "RestartCount", "UsageNanoCores", "UsageNanoCores", "UsageNanoCores"]);
    const fiveXX = alerts.find((a) => String(a.name) === "mlops-prod-model-api-5xx")!;
    expect((fiveXX.criteria as { dimension: unknown[] }[])[0].dimension).toEqual([{ name: "statusCodeCategory", operator: "Include", values: ["5xx"] }]);
  });

  test("GIVEN the outputs WHEN synthesized THEN portal links for the workspace, Application Insights as the dashboard, each app's and job's logs, and the public endpoints", () => {
    const out = prod.output ?? {};
    const portal = "https:\\/\\/portal\\.azure\\.com\\/#@00000000-0000-0000-0000-0000000000aa\\/resource";
    expect(out.console_log_analytics_workspace.value).toMatch(new RegExp(`^${portal}\\$\\{azurerm_log_analytics_workspace\\.`));
    expect(out.console_dashboard.value).toMatch(new RegExp(`^${portal}\\$\\{azurerm_application_insights\\.[^}]+\\.id\\}/overview$`));
    expect(out.console_network.value).toMatch(new RegExp(`^${portal}\\$\\{azurerm_virtual_network\\.[^}]+\\.id\\}/overview$`));
    for (const app of ["mlflow", "model_api", "receiver"]) expect(out[`console_logs_${app}`].value).toMatch(new RegExp(`^${portal}\\$\\{azurerm_container_app\\.[^}]+\\.id\\}/logs$`));
    for (const job of ["train", "transform"]) expect(out[`console_logs_${job}`].value).toMatch(new RegExp(`^${portal}\\$\\{azurerm_container_app_job\\.[^}]+\\.id\\}/logs$`));
    expect(out.url_model_api.value).toMatch(/^https:\/\/\$\{azurerm_container_app\.[^}]+\.ingress\[0\]\.fqdn\}$/);
    expect(out.url_receiver).toBeDefined();
    expect(out.url_mlflow).toBeUndefined();
  });
});
