/**
 * Airflow as each platform stack composes it from the environment config, on the synthesized JSON
 * (MWAA also goes through the real offline plan: test/terraform/aws-plan.test.ts): the settings of
 * environments/<env>.ts reach the service, the jobs are the stack's own, the deploy identity may
 * write the DAG store, and the outputs the deploy workflow's mirror step reads exist.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments } from "../../environments";
import { SERVICE_CATALOG } from "../../services/catalog";
import { buildPlatformApp } from "../../stacks/platform-app";
import { sharedSynth } from "../support/shared-synth";
import { ROOT, StackJson } from "../support/stack-json";

const built = sharedSynth();
type Res = Record<string, unknown>;
const all = (stack: string, type: string): Res[] => Object.values((built.json(stack).resource?.[type] ?? {}) as Record<string, Res>);
const outputs = (stack: string) => (built.json(stack) as { output?: Record<string, { value: string }> }).output ?? {};

describe.each(["dev", "prod"])("%s", (env) => {
  test.each(["aws", "azure", "gcp"])("GIVEN the %s stack THEN the mirror step's outputs and the UI link exist", (cloud) => {
    const out = outputs(`${env}-${cloud}`);
    expect(Object.keys(out)).toEqual(expect.arrayContaining(["console_airflow", "airflow_dag_store", "airflow_identity"]));
    expect(out.airflow_dag_store.value).toMatch(cloud === "aws" ? /^s3:\/\/.+\/dags\/$/ : cloud === "azure" ? /^https:\/\/.+\.blob\.core\.windows\.net\/airflow-dags\/dags\/$/ : /dag_gcs_prefix/);
  });
});

describe("Cloud Composer in the gcp stacks", () => {
  test("GIVEN dev and prod THEN size and worker bounds follow environments/<env>.ts, the environment is private on the platform network", () => {
    const composer = (stack: string) => {
      const [c] = all(stack, "google_composer_environment");
      return c.config as { environment_size: string; enable_private_environment: boolean; node_config: { network: string; subnetwork: string }; workloads_config: { worker: { min_count: number; max_count: number } }; software_config: { env_variables: Record<string, string> } };
    };
    expect(composer("dev-gcp")).toMatchObject({ environment_size: "ENVIRONMENT_SIZE_SMALL", enable_private_environment: true, workloads_config: { worker: { min_count: 1, max_count: 2 } } });
    expect(composer("prod-gcp")).toMatchObject({ environment_size: "ENVIRONMENT_SIZE_MEDIUM", workloads_config: { worker: { min_count: 2, max_count: 5 } } });
    expect(composer("dev-gcp").node_config.network).toMatch(/google_compute_network\./);
    expect(composer("dev-gcp").node_config.subnetwork).toMatch(/google_compute_subnetwork\./);
    const vars = composer("dev-gcp").software_config.env_variables;
    expect(vars.AIRFLOW_VAR_MLOPS_CLOUD).toBe("gcp");
    expect(vars.AIRFLOW_VAR_MLOPS_TRANSFORM_JOB).toMatch(/google_cloud_run_v2_job\..*\.name/);
  });

  test("GIVEN the builder THEN it may write Composer's bucket and Airflow may run the transform job", () => {
    const writers = all("dev-gcp", "google_storage_bucket_iam_member").filter((m) => String(m.member).includes("google_service_account.ci_builder"));
    expect(writers.some((m) => String(m.bucket).includes("dag_gcs_prefix"))).toBe(true);
    expect(all("dev-gcp", "google_cloud_run_v2_job_iam_member").some((m) => m.role === "roles/run.jobsExecutorWithOverrides" && String(m.member).includes("airflow"))).toBe(true);
  });
});

describe("Airflow on Container Apps in the azure stacks", () => {
  test("GIVEN dev THEN four apps run the pinned image, its database is on the environment's server, and the builder may write the DAG container", () => {
    const apps = all("dev-azure", "azurerm_container_app").filter((a) => String(a.name).includes("airflow"));
    expect(apps.map((a) => String(a.name)).sort()).toEqual(["mlops-dev-airflow-api-server", "mlops-dev-airflow-dag-processor", "mlops-dev-airflow-scheduler", "mlops-dev-airflow-triggerer"]);
    const [db] = all("dev-azure", "azurerm_postgresql_flexible_server_database").filter((d) => d.name === "airflow");
    expect(String(db.server_id)).toMatch(/azurerm_postgresql_flexible_server\./);
    const writer = all("dev-azure", "azurerm_role_assignment").find((r) => String(r.principal_id).includes("ci_builder") && String(r.scope).includes("airflow_dags"));
    expect(writer).toMatchObject({ role_definition_name: "Storage Blob Data Contributor" });
  });
});

describe("self-hosted Airflow in the gcp stack (airflow.mode: self-hosted)", () => {
  // dev stays managed in its committed config: the switch is flipped here, on the loaded environment, and the
  // stack is built as `npm run synth` builds it (promoted manifests, the policy pack with the Google register).
  const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
  const config = { ...dev.config, airflow: { ...dev.config.airflow!, mode: "self-hosted" as const }, clouds: { gcp: dev.config.clouds.gcp } };
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "gcp-self-hosted-"));
  const app = buildPlatformApp({ outdir, environments: [{ ...dev, config }], catalog: SERVICE_CATALOG, deploymentsDir: path.join(ROOT, "deployments"), root: ROOT });
  app.app.synth();
  const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "dev-gcp", "cdk.tf.json"), "utf8")) as StackJson & { output?: Record<string, { value: string }> };
  fs.rmSync(outdir, { recursive: true, force: true });
  const of = (type: string): Res[] => Object.values((json.resource?.[type] ?? {}) as Record<string, Res>);

  test("GIVEN the switch WHEN the Google pack and register run THEN nothing is flagged (the internal API server's disabled invoker check included)", () => {
    expect(app.report.errors(app.app).map((f) => `${f.ruleId} ${f.path}`)).toEqual([]);
  });

  test("GIVEN the switch THEN no Composer, but the API server service and three worker pools on the platform network, instance and jobs", () => {
    expect(of("google_composer_environment")).toEqual([]);
    expect(of("google_cloud_run_v2_worker_pool").map((p) => p.name).sort()).toEqual(["mlops-dev-airflow-dag-processor", "mlops-dev-airflow-scheduler", "mlops-dev-airflow-triggerer"]);
    const api = of("google_cloud_run_v2_service").find((s) => s.name === "mlops-dev-airflow-api")!;
    expect(api).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invoker_iam_disabled: true });
    const text = JSON.stringify(of("google_cloud_run_v2_worker_pool"));
    expect(text).toMatch(/google_sql_database_instance\.[^.]+\.connection_name/);
    expect(text).toMatch(/google_compute_subnetwork\./);
    const airflowJobs = of("google_cloud_run_v2_job_iam_member").filter((m) => String(m.member).includes("google_service_account.airflow_account"));
    expect(airflowJobs.map((m) => [String(m.name).replace(/^\$\{google_cloud_run_v2_job\.run-(\w+?)_job_.*$/, "$1"), m.role]).sort()).toEqual([
      ["train", "roles/run.jobsExecutorWithOverrides"],
      ["transform", "roles/run.jobsExecutorWithOverrides"],
    ]);
    expect(of("google_sql_database").map((d) => d.name).sort()).toEqual(["airflow", "mlflow"]);
  });

  test("GIVEN the switch THEN the outputs the mirror step and the README use point at the DAG bucket and the internal API server, and the builder may write the bucket", () => {
    const out = json.output ?? {};
    expect(out.airflow_dag_store.value).toMatch(/^gs:\/\/\$\{google_storage_bucket\..*airflow.*\.name\}\/dags$/);
    expect(out.console_airflow.value).toBe("https://mlops-dev-airflow-api-100000000001.europe-west3.run.app");
    const writers = of("google_storage_bucket_iam_member").filter((m) => String(m.member).includes("google_service_account.ci_builder"));
    expect(writers.some((m) => /google_storage_bucket\..*airflow.*\.name/.test(String(m.bucket)) && m.role === "roles/storage.objectUser")).toBe(true);
  });
});
