/** Self-hosted Airflow 3 on Container Apps: components, image pin, secrets, identity grants, DAG sync, alerts, as synthesized. */
import { spawnSync } from "child_process";
import { TerraformOutput, TerraformStack } from "cdktf";
import { SelfHostedAirflow, SelfHostedAirflowProps } from "../../../modules/azure/self-hosted-airflow";
import { DAG_SYNC_SCRIPT } from "../../../modules/azure/private/dag-sync";
import { AZURE_PACK } from "../../../modules/policy/azure-pack";
import { azureAppImagePinned } from "../../../modules/policy/rules/azure-app-image-pinned";
import { azureAcceptedRisks } from "../../../modules/policy/accepted";
import { dagTableVariables } from "../../support/dag-variables";
import { checkPolicy } from "../../support/policy";
import { resources, synthStack } from "../../support/synth";
import { azureTestStack, COMMON, SEED, TENANT } from "./azure-test-stack";

const RG = `/subscriptions/${SEED}/resourceGroups/rg-test`;
const JOB = (n: string) => `${RG}/providers/Microsoft.App/jobs/mlops-test-${n}`;
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/mlopstestdata`;

function props(over: Partial<SelfHostedAirflowProps> = {}): SelfHostedAirflowProps {
  return {
    ...COMMON,
    resourceGroupId: RG,
    subscriptionId: SEED,
    tenantId: TENANT,
    containerAppEnvironmentId: `${RG}/providers/Microsoft.App/managedEnvironments/mlops-test-cae`,
    databaseServerId: `${RG}/providers/Microsoft.DBforPostgreSQL/flexibleServers/mlops-test-pg`,
    databaseHost: "mlops-test-pg.postgres.database.azure.com",
    keyVaultId: `${RG}/providers/Microsoft.KeyVault/vaults/mlops-test-kv`,
    storageAccountId: ACCOUNT,
    storageAccountName: "mlopstestdata",
    dataContainers: { processed: "processed", viz: "viz" },
    jobs: { transform: { id: JOB("transform"), name: "mlops-test-transform" }, train: { id: JOB("train"), name: "mlops-test-train" } },
    actionGroupId: `${RG}/providers/Microsoft.Insights/actionGroups/mlops-test-alerts`,
    logWorkspaceId: `${RG}/providers/Microsoft.OperationalInsights/workspaces/mlops-test-logs`,
    ...over,
  };
}

function build(over: Partial<SelfHostedAirflowProps> = {}): { stack: TerraformStack; airflow: SelfHostedAirflow } {
  const stack = azureTestStack();
  const airflow = new SelfHostedAirflow(stack, "airflow", props(over));
  return { stack, airflow };
}

type Container = { name: string; image: string; args?: string[]; command?: string[]; env: { name: string; value?: string; secret_name?: string }[]; volume_mounts?: { name: string; path: string }[]; liveness_probe?: { path: string; port: number }[] };
type App = { name: string; template: { container: Container[]; init_container?: Container[]; volume?: { name: string; storage_type: string }[] }; ingress?: { external_enabled: boolean; target_port: number }; secret: { name: string; key_vault_secret_id: string; identity: string; value?: string }[] };
const apps = (json: ReturnType<typeof synthStack>) => resources(json, "azurerm_container_app") as unknown as App[];
const byName = (json: ReturnType<typeof synthStack>, component: string) => apps(json).find((a) => a.name === `mlops-test-airflow-${component}`)!;

describe("SelfHostedAirflow", () => {
  test("GIVEN defaults WHEN built THEN four apps run the pinned official image, each its Airflow 3 sub-command", () => {
    const json = synthStack(build().stack);
    expect(apps(json).map((a) => a.name).sort()).toEqual(["mlops-test-airflow-api-server", "mlops-test-airflow-dag-processor", "mlops-test-airflow-scheduler", "mlops-test-airflow-triggerer"]);
    for (const component of ["api-server", "scheduler", "dag-processor", "triggerer"]) {
      const main = byName(json, component).template.container.find((c) => c.name === component)!;
      expect(main.image).toMatch(/^docker\.io\/apache\/airflow:3\.1\.5@sha256:[0-9a-f]{64}$/);
      expect(main.args).toEqual([component]);
    }
  });

  test("GIVEN the API server WHEN built THEN only it has ingress, internal only, and the UI is its FQDN", () => {
    const { stack, airflow } = build();
    new TerraformOutput(stack, "ui", { value: airflow.uiUrl });
    const json = synthStack(stack);
    expect(byName(json, "api-server").ingress).toMatchObject({ external_enabled: false, target_port: 8080 });
    expect(apps(json).filter((a) => a.ingress)).toHaveLength(1);
    expect(json.output?.ui.value).toMatch(/^https:\/\/\$\{azurerm_container_app\..*api-server.*\.ingress\[0\]\.fqdn\}$/);
  });

  test("GIVEN the secrets WHEN built THEN apps reference Key Vault through the identity, and no value is in the JSON", () => {
    const json = synthStack(build().stack);
    for (const app of apps(json)) {
      expect(app.secret.map((s) => s.name).sort()).toEqual(["airflow-api-secret-key", "airflow-db-conn", "airflow-fernet-key", "airflow-jwt-secret"]);
      for (const s of app.secret) {
        expect(s.value).toBeUndefined();
        expect(s.key_vault_secret_id).toMatch(/^\$\{azurerm_key_vault_secret\..*\.versionless_id\}$/);
        expect(s.identity).toMatch(/^\$\{azurerm_user_assigned_identity\..*\.id\}$/);
      }
      const env = app.template.container[0].env;
      expect(env.find((e) => e.name === "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")).toEqual({ name: "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", secret_name: "airflow-db-conn" });
      expect(env.find((e) => e.name === "AIRFLOW__CORE__FERNET_KEY")).toEqual({ name: "AIRFLOW__CORE__FERNET_KEY", secret_name: "airflow-fernet-key" });
    }
    const secrets = resources(json, "azurerm_key_vault_secret");
    expect(secrets.map((s) => s.name).sort()).toEqual(["airflow-api-secret-key", "airflow-db-conn", "airflow-db-password", "airflow-fernet-key", "airflow-jwt-secret"]);
    for (const s of secrets) {
      expect(s.value).toBeUndefined();
      expect(String(s.value_wo)).toMatch(/ephemeral\./);
    }
    // The connection string is built from the password read back from Key Vault, not from the generator.
    expect(secrets.find((s) => s.name === "airflow-db-conn")!.value_wo).toMatch(/^postgresql\+psycopg2:\/\/airflow:\$\{ephemeral\.azurerm_key_vault_secret\..*\.value\}@mlops-test-pg\.postgres\.database\.azure\.com:5432\/.*\?sslmode=require$/);
    expect(secrets.find((s) => s.name === "airflow-fernet-key")!.value_wo).toMatch(/^\$\{base64encode\(ephemeral\.random_password\..*\.result\)\}$/);
  });

  test("GIVEN the metadata database WHEN built THEN it is its own UTF8 database on the environment's server", () => {
    expect(resources(synthStack(build().stack), "azurerm_postgresql_flexible_server_database")).toEqual([
      expect.objectContaining({ name: "airflow", server_id: props().databaseServerId, charset: "UTF8", collation: "en_US.utf8" }),
    ]);
  });

  test("GIVEN the metadata database WHEN built THEN it declares the day-0 login: role airflow, own schema, the password of airflow-db-password, the database made by Terraform", () => {
    const json = synthStack(build().stack) as { locals?: Record<string, Record<string, unknown>> };
    const declared = json.locals?.mlops_database_login_airflow;
    expect(declared).toMatchObject({ owner: "Airflow", role: "airflow", schema: "airflow", login: "password" });
    expect(declared?.createDatabase).toBeUndefined();
    expect(String(declared?.database)).toMatch(/^\$\{azurerm_postgresql_flexible_server_database\..*\.name\}$/);
    expect(String(declared?.passwordSecret)).toMatch(/^\$\{azurerm_key_vault_secret\..*airflow-db-password.*\.name\}$/);
  });

  test("GIVEN the jobs WHEN built THEN the identity gets a custom role with only start/stop/read job actions, on exactly those jobs", () => {
    const json = synthStack(build().stack);
    const [role] = resources(json, "azurerm_role_definition");
    expect(role.assignable_scopes).toEqual([RG]);
    const actions = (role.permissions as { actions: string[] }[])[0].actions;
    expect(actions.every((a) => a.startsWith("Microsoft.App/jobs/") && !/write|delete|listSecrets|\*/i.test(a))).toBe(true);
    expect(actions).toContain("Microsoft.App/jobs/start/action");
    const assignments = resources(json, "azurerm_role_assignment");
    expect(assignments.filter((a) => a.role_definition_id).map((a) => a.scope).sort()).toEqual([JOB("train"), JOB("transform")]);
    expect(assignments.filter((a) => a.role_definition_name === "Storage Blob Data Contributor").map((a) => a.scope).sort()).toEqual(
      ["processed", "viz"].map((c) => `${ACCOUNT}/blobServices/default/containers/${c}`),
    );
    expect(assignments.filter((a) => a.role_definition_name === "Key Vault Secrets User")).toHaveLength(5);
  });

  test("GIVEN the DAG store WHEN built THEN the scheduler and DAG processor each sync the blob container into a shared EmptyDir, and the others do not", () => {
    const { stack, airflow } = build();
    const json = synthStack(stack);
    expect(resources(json, "azurerm_storage_container")).toEqual([expect.objectContaining({ name: "airflow-dags", container_access_type: "private" })]);
    expect(airflow.dagStore).toEqual({ kind: "azure-blob", accountName: "mlopstestdata", container: "airflow-dags", prefix: "dags/" });
    for (const component of ["scheduler", "dag-processor"]) {
      const app = byName(json, component);
      expect(app.template.volume).toEqual([{ name: "dags", storage_type: "EmptyDir" }]);
      const sync = app.template.container.find((c) => c.name === "dag-sync")!;
      expect(sync.command).toEqual(["python", "-c", DAG_SYNC_SCRIPT]);
      expect(sync.volume_mounts).toEqual([{ name: "dags", path: "/opt/airflow/dags" }]);
      expect(app.template.container.find((c) => c.name === component)!.volume_mounts).toEqual([{ name: "dags", path: "/opt/airflow/dags" }]);
    }
    for (const component of ["api-server", "triggerer"]) expect(byName(json, component).template.container).toHaveLength(1);
  });

  test("GIVEN the scheduler WHEN built THEN it migrates the schema first, probes /health on 8974 and reaches the execution API", () => {
    const app = byName(synthStack(build().stack), "scheduler");
    expect(app.template.init_container?.[0].args).toEqual(["db", "migrate"]);
    const main = app.template.container.find((c) => c.name === "scheduler")!;
    expect(main.liveness_probe?.[0]).toMatchObject({ path: "/health", port: 8974 });
    expect(main.env.find((e) => e.name === "AIRFLOW__CORE__EXECUTION_API_SERVER_URL")?.value).toMatch(/^https:\/\/\$\{azurerm_container_app\..*\.ingress\[0\]\.fqdn\}\/execution\/$/);
    expect(main.env.find((e) => e.name === "AIRFLOW__CORE__EXECUTOR")?.value).toBe("LocalExecutor");
  });

  test("GIVEN the platform ids WHEN built THEN every app gets them as AIRFLOW_VAR_* variables", () => {
    const env = byName(synthStack(build({ extraVariables: { model_name: "accidents" } }).stack), "scheduler").template.container[0].env;
    const value = (n: string) => env.find((e) => e.name === n)?.value;
    expect(value("AIRFLOW_VAR_MLOPS_CLOUD")).toBe("azure");
    expect(value("AIRFLOW_VAR_MLOPS_TRANSFORM_JOB")).toBe("mlops-test-transform");
    expect(value("AIRFLOW_VAR_MLOPS_TRAIN_JOB")).toBe("mlops-test-train");
    expect(value("AIRFLOW_VAR_MLOPS_AZURE_RESOURCE_GROUP")).toBe("rg-test");
    expect(value("AIRFLOW_VAR_MLOPS_PROCESSED_BUCKET")).toBe("processed");
    expect(value("AIRFLOW_VAR_MODEL_NAME")).toBe("accidents");
  });

  test("GIVEN the platform ids WHEN built THEN the Variables are exactly those the DAGs read on Azure (variables.py); without a train job no train Variable or grant", () => {
    expect(Object.keys(build().airflow.variables).sort()).toEqual(dagTableVariables("azure").sort());
    const { stack, airflow } = build({ jobs: { transform: props().jobs.transform } });
    expect(Object.keys(airflow.variables)).not.toContain("mlops_train_job");
    expect(resources(synthStack(stack), "azurerm_role_assignment").filter((a) => a.role_definition_id).map((a) => a.scope)).toEqual([JOB("transform")]);
  });

  test("GIVEN the action group WHEN built THEN scheduler down, restarts per component and failed tasks alert to it", () => {
    const json = synthStack(build().stack);
    const metricAlerts = resources(json, "azurerm_monitor_metric_alert");
    expect(metricAlerts.map((a) => a.name).sort()).toEqual([
      "mlops-test-airflow-api-server-restarts",
      "mlops-test-airflow-dag-processor-restarts",
      "mlops-test-airflow-scheduler-down",
      "mlops-test-airflow-scheduler-restarts",
      "mlops-test-airflow-triggerer-restarts",
    ]);
    for (const a of metricAlerts) expect(a.action).toEqual([{ action_group_id: props().actionGroupId }]);
    const [logAlert] = resources(json, "azurerm_monitor_scheduled_query_rules_alert_v2");
    expect(logAlert.scopes).toEqual([props().logWorkspaceId]);
  });

  test("GIVEN the construct WHEN the Azure pack, the image-pin rule and the Azure register run THEN nothing is flagged", () => {
    const { stack } = build();
    const accepted = azureAcceptedRisks({ name: "test", logRetentionDays: 365, lifecycle: "persistent", resilience: "zonal", storage: { encryption: "kms", accessLogging: false }, clouds: {} });
    expect(checkPolicy(stack, [...AZURE_PACK, { rule: azureAppImagePinned, level: "error" }], {}, accepted).errors.map((e) => `${e.ruleId} ${e.path}`)).toEqual([]);
  });

  test("GIVEN a digest that is not sha256 WHEN built THEN a ValidationError names the construct", () => {
    expect(() => build({ image: { repository: "docker.io/apache/airflow", version: "3.1.5", digest: "latest" } })).toThrow(/^\[test\/airflow\] image\.digest must be sha256:<64 hex>; got "latest"/);
  });

  test("GIVEN blobs added, changed and removed WHEN the DAG sync runs THEN the folder mirrors the prefix, deletions included, and nothing escapes it", () => {
    // The program with the Azure SDK stubbed by an in-memory container (no Azure, no network).
    const harness = `
import os, pathlib, sys, tempfile, types
class Blob:
    def __init__(self, name, etag): self.name, self.etag = name, etag
class Container:
    def __init__(self): self.blobs = {}
    def list_blobs(self, name_starts_with): return [Blob(n, e) for n, (e, _) in self.blobs.items() if n.startswith(name_starts_with)]
    def download_blob(self, name):
        data = self.blobs[name][1]
        return types.SimpleNamespace(readall=lambda: data)
for mod in ("azure", "azure.identity", "azure.storage", "azure.storage.blob"):
    sys.modules[mod] = types.ModuleType(mod)
sys.modules["azure.identity"].ManagedIdentityCredential = object
sys.modules["azure.storage.blob"].ContainerClient = object
ns = {"__name__": "dag_sync"}
exec(sys.stdin.read(), ns)
root = pathlib.Path(tempfile.mkdtemp()); c = Container(); seen = {}
c.blobs = {"dags/a.py": ("1", b"A1"), "dags/sub/b.py": ("1", b"B1"), "other/x.py": ("1", b"X"), "dags/../evil.py": ("1", b"E")}
(root / "stale.py").write_bytes(b"old")
ns["sync"](c, root, "dags/", seen)
first = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
c.blobs["dags/a.py"] = ("2", b"A2"); del c.blobs["dags/sub/b.py"]
ns["sync"](c, root, "dags/", seen)
second = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
print(first, second, (root / "a.py").read_bytes().decode(), (root.parent / "evil.py").exists())
`;
    const result = spawnSync("/usr/bin/python3", ["-c", harness], { input: DAG_SYNC_SCRIPT });
    expect(result.stderr.toString()).toBe("");
    expect(result.stdout.toString().trim()).toBe("['a.py', 'sub/b.py'] ['a.py'] A2 False");
  });
});

test("GIVEN the deploy identity WHEN granted THEN it may write the DAG container only", () => {
  const { stack, airflow } = build();
  airflow.allowDagWriter("dag-writer", "00000000-0000-0000-0000-0000000000bb");
  const writer = resources(synthStack(stack), "azurerm_role_assignment").find((a) => a.principal_id === "00000000-0000-0000-0000-0000000000bb")!;
  expect(writer).toMatchObject({ role_definition_name: "Storage Blob Data Contributor" });
  expect(writer.scope).toMatch(/^\$\{azurerm_storage_container\..*\.id\}$/);
});
