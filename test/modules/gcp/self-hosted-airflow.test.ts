/** Self-hosted Airflow on Cloud Run: API server service, worker pools, proxy sidecars, secrets, DAG store, IAM and alerts, as synthesized. */
import { TerraformOutput, TerraformStack } from "cdktf";
import { SelfHostedAirflow, SelfHostedAirflowProps, GCLOUD_IMAGE } from "../../../modules/gcp/self-hosted-airflow";
import { AIRFLOW_IMAGE, airflowOutputs, imageReference } from "../../../modules/core/airflow";
import { DATABASE_LOGIN_LOCAL_PREFIX } from "../../../modules/core/database-login";
import { GCP_PACK } from "../../../modules/policy/gcp-pack";
import { gcpAcceptedRisks } from "../../../modules/policy/accepted";
import { RiskEnvironment } from "../../../modules/policy/accepted-risk";
import { dagTableVariables } from "../../support/dag-variables";
import { checkPolicy } from "../../support/policy";
import { resources, StackJson, synthStack } from "../../support/synth";
import { GCP_TEST_TAGS, gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const RISK_ENV: RiskEnvironment = { name: "test", logRetentionDays: 365, lifecycle: "persistent", resilience: "zonal", storage: { encryption: "kms", accessLogging: false }, clouds: {} };
const CONNECTION = `${PROJECT.projectId}:${PROJECT.region}:mlops-test-db`;
const IAM_USER = `mlops-test-airflow@${PROJECT.projectId}.iam`;

function props(over: Partial<SelfHostedAirflowProps> = {}): SelfHostedAirflowProps {
  return {
    naming,
    ...PROJECT,
    networkId: `projects/${PROJECT.projectId}/global/networks/mlops-test`,
    subnetId: `projects/${PROJECT.projectId}/regions/${PROJECT.region}/subnetworks/mlops-test-private`,
    jobs: { transform: "mlops-test-transform", train: "mlops-test-train" },
    dataBuckets: { processed: "mlops-test-processed", viz: "mlops-test-viz" },
    database: { instanceName: "mlops-test-db", connectionName: CONNECTION },
    alertChannelId: `projects/${PROJECT.projectId}/notificationChannels/123`,
    labels: GCP_TEST_TAGS,
    ...over,
  };
}

function build(over: Partial<SelfHostedAirflowProps> = {}): { stack: TerraformStack; airflow: SelfHostedAirflow; json: StackJson } {
  const stack = gcpTestStack();
  const airflow = new SelfHostedAirflow(stack, "airflow", props(over));
  return { stack, airflow, json: synthStack(stack) };
}

type Env = { name: string; value?: string; value_source?: { secret_key_ref: { secret: string; version: string } } };
type Container = { name: string; image: string; args?: string[]; command?: string[]; env?: Env[]; depends_on?: string[]; volume_mounts?: { name: string; mount_path: string }[]; resources?: { limits: Record<string, string> } };
type Template = { service_account: string; containers: Container[]; vpc_access: { egress: string; network_interfaces: { network: string; subnetwork: string }[] }; volumes?: { name: string; empty_dir?: { medium: string } }[] };

const pools = (json: StackJson) => resources(json, "google_cloud_run_v2_worker_pool") as unknown as { name: string; scaling: { manual_instance_count: number; scaling_mode: string }; template: Template }[];
const service = (json: StackJson) => resources(json, "google_cloud_run_v2_service")[0] as unknown as { ingress: string; invoker_iam_disabled: boolean; template: Template & { scaling: { min_instance_count: number } } };
const container = (t: Template, name: string) => t.containers.find((c) => c.name === name)!;

describe("SelfHostedAirflow (Google Cloud)", () => {
  const { airflow, json, stack } = build();

  test("GIVEN the components WHEN built THEN scheduler, DAG processor and triggerer are worker pools of exactly one instance, in the VPC", () => {
    expect(pools(json).map((p) => p.name).sort()).toEqual(["mlops-test-airflow-dag-processor", "mlops-test-airflow-scheduler", "mlops-test-airflow-triggerer"]);
    for (const p of pools(json)) {
      expect(p.scaling).toEqual({ scaling_mode: "MANUAL", manual_instance_count: 1 });
      expect((p as unknown as { launch_stage: string }).launch_stage).toBe("BETA");
      expect(p.template.vpc_access).toEqual({ egress: "ALL_TRAFFIC", network_interfaces: [{ network: props().networkId, subnetwork: props().subnetId }] });
      expect(container(p.template, "airflow").image).toBe(imageReference(AIRFLOW_IMAGE));
      // Worker pools take CPU limits of 1, 2, 4 or 8 only (resource_cloud_run_v2_worker_pool.go, v6.50.0).
      for (const c of p.template.containers) expect(["1", "2", "4", "8"]).toContain(c.resources?.limits.cpu);
    }
    expect(container(pools(json).find((p) => p.name.endsWith("scheduler"))!.template, "airflow").args).toEqual(["scheduler"]);
  });

  test("GIVEN the API server WHEN built THEN it is internal only, one warm instance, invoker IAM off (Airflow's JWT), no public URL in the links", () => {
    const s = service(json);
    expect(s.ingress).toBe("INGRESS_TRAFFIC_INTERNAL_ONLY");
    expect(s.invoker_iam_disabled).toBe(true);
    expect(s.template.scaling.min_instance_count).toBe(1);
    expect(s.template.vpc_access.egress).toBe("ALL_TRAFFIC");
    // Billed per request, both containers alike (the provider sends cpu_idle only when true).
    for (const c of s.template.containers) expect((c.resources as { cpu_idle?: boolean }).cpu_idle).toBe(true);
    expect(resources(json, "google_cloud_run_v2_service_iam_member")).toEqual([]);
    expect(airflow.uiUrl).toBe(`https://mlops-test-airflow-api-${PROJECT.projectNumber}.${PROJECT.region}.run.app`);
    const env = container(pools(json)[0].template, "airflow").env!;
    expect(env).toContainEqual({ name: "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", value: `${airflow.uiUrl}/execution/` });
  });

  test("GIVEN the IAM-only Cloud SQL instance WHEN built THEN every component runs the proxy with --auto-iam-authn and connects as the account's IAM user, no password", () => {
    const templates = [service(json).template, ...pools(json).map((p) => p.template)];
    for (const t of templates) {
      const proxy = container(t, "cloud-sql-proxy");
      expect(proxy.args).toEqual(expect.arrayContaining(["--auto-iam-authn", "--private-ip", CONNECTION]));
      expect(container(t, "airflow").depends_on).toContain("cloud-sql-proxy");
      const conn = container(t, "airflow").env!.find((e) => e.name === "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")!;
      expect(conn.value).toBe(`postgresql+psycopg2://mlops-test-airflow%40${PROJECT.projectId}.iam@127.0.0.1:5432/airflow?sslmode=disable`);
    }
    expect(resources(json, "google_sql_user")).toEqual([expect.objectContaining({ instance: "mlops-test-db", type: "CLOUD_IAM_SERVICE_ACCOUNT" })]);
    expect(resources(json, "google_sql_database")).toEqual([expect.objectContaining({ name: "airflow", instance: "mlops-test-db", deletion_policy: "ABANDON" })]);
    // Only the scheduler migrates the metadata database.
    const migrating = pools(json).filter((p) => container(p.template, "airflow").env!.some((e) => e.name === "_AIRFLOW_DB_MIGRATE"));
    expect(migrating.map((p) => p.name)).toEqual(["mlops-test-airflow-scheduler"]);
  });

  test("GIVEN the metadata login WHEN declared THEN day 0 gives the existing IAM user the database (login existing, no password secret)", () => {
    const local = (json as { locals?: Record<string, unknown> }).locals?.[`${DATABASE_LOGIN_LOCAL_PREFIX}airflow`];
    expect(local).toEqual({ owner: "Airflow", server: "mlops-test-db", database: expect.stringMatching(/^\$\{google_sql_database\..*\.name\}$/), role: IAM_USER, schema: "airflow", login: "existing" });
  });

  test("GIVEN the generated secrets WHEN synthesized THEN each has a write-only first version and is read by reference, no value in the JSON", () => {
    const versions = resources(json, "google_secret_manager_secret_version");
    expect(versions).toHaveLength(4);
    for (const v of versions) {
      expect(v.secret_data_wo_version).toBe(1);
      expect(String(v.secret_data_wo)).toMatch(/ephemeral\.random_password\./);
      expect(v.secret_data).toBeUndefined();
    }
    expect(versions.map((v) => String(v.secret_data_wo)).filter((s) => s.startsWith("${base64encode("))).toHaveLength(1);
    const env = container(service(json).template, "airflow").env!;
    for (const name of ["AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET", "AIRFLOW__API__SECRET_KEY"]) {
      const e = env.find((x) => x.name === name)!;
      expect(e.value).toBeUndefined();
      expect(e.value_source?.secret_key_ref.secret).toMatch(/^\$\{google_secret_manager_secret\..*\.id\}$/);
    }
    expect(resources(json, "google_secret_manager_secret_iam_member").map((m) => m.role)).toEqual(Array(4).fill("roles/secretmanager.secretAccessor"));
    // The first UI user: created by the scheduler only, its password by reference.
    const scheduler = container(pools(json).find((p) => p.name.endsWith("scheduler"))!.template, "airflow").env!;
    expect(scheduler).toContainEqual({ name: "_AIRFLOW_WWW_USER_CREATE", value: "true" });
    expect(scheduler.find((e) => e.name === "_AIRFLOW_WWW_USER_PASSWORD")?.value_source?.secret_key_ref.secret).toMatch(/google_secret_manager_secret\..*admin-password.*\.id/);
    expect(env.some((e) => e.name.startsWith("_AIRFLOW_WWW_USER"))).toBe(false);
  });

  test("GIVEN the jobs and buckets WHEN built THEN the account may run exactly the two jobs, use the data buckets' objects, read the DAG bucket, reach the instance only", () => {
    expect(resources(json, "google_cloud_run_v2_job_iam_member").map((m) => [m.name, m.role]).sort()).toEqual([
      ["mlops-test-train", "roles/run.jobsExecutorWithOverrides"],
      ["mlops-test-transform", "roles/run.jobsExecutorWithOverrides"],
    ]);
    const buckets = resources(json, "google_storage_bucket_iam_member").map((m) => [String(m.bucket).replace(/\$\{google_storage_bucket\..*\.name\}/, "<dag bucket>"), m.role]);
    expect(buckets.sort()).toEqual([
      ["<dag bucket>", "roles/storage.objectViewer"],
      ["mlops-test-processed", "roles/storage.objectUser"],
      ["mlops-test-viz", "roles/storage.objectUser"],
    ]);
    const project = resources(json, "google_project_iam_member");
    expect(project.map((m) => m.role).sort()).toEqual(["roles/cloudsql.client", "roles/cloudsql.instanceUser"]);
    for (const m of project) expect((m.condition as { expression: string }).expression).toContain(`projects/${PROJECT.projectId}/instances/mlops-test-db`);
  });

  test("GIVEN the DAG store WHEN built THEN it is dags/ of a hardened bucket the components mirror with deletions, read-only to them", () => {
    const [bucket] = resources(json, "google_storage_bucket");
    expect(bucket).toMatchObject({ uniform_bucket_level_access: true, public_access_prevention: "enforced", versioning: { enabled: true } });
    const withOutput = gcpTestStack();
    new TerraformOutput(withOutput, "dags", { value: airflowOutputs(new SelfHostedAirflow(withOutput, "airflow", props())).airflow_dag_store });
    expect(synthStack(withOutput).output?.dags.value).toMatch(/^gs:\/\/\$\{google_storage_bucket\..*\.name\}\/dags$/);
    for (const p of pools(json)) {
      const sync = p.template.containers.find((c) => c.name === "dag-sync");
      if (p.name.endsWith("triggerer")) {
        expect(sync).toBeUndefined();
        continue;
      }
      expect(sync!.image).toBe(GCLOUD_IMAGE);
      expect(sync!.args![0]).toContain('gcloud storage rsync --recursive --delete-unmatched-destination-objects "gs://$DAG_BUCKET/dags" /opt/airflow/dags');
      expect(sync!.env).toContainEqual({ name: "DAG_BUCKET", value: expect.stringMatching(/^\$\{google_storage_bucket\..*\.name\}$/) });
      expect(p.template.volumes).toEqual([{ name: "dags", empty_dir: { medium: "MEMORY", size_limit: "256Mi" } }]);
      expect(container(p.template, "airflow").volume_mounts).toEqual([{ name: "dags", mount_path: "/opt/airflow/dags" }]);
    }
  });

  test("GIVEN the shell and env text of every component WHEN synthesized THEN each ${...} is a Terraform reference (a shell ${VAR} would fail the plan)", () => {
    const text = JSON.stringify([...pools(json), service(json)]);
    const interpolations = text.match(/\$\{[^}]*\}/g) ?? [];
    expect(interpolations.length).toBeGreaterThan(0);
    expect(interpolations.filter((i) => !/^\$\{google_[a-z0-9_]+\.[A-Za-z0-9_-]+\.[a-z_]+\}$/.test(i))).toEqual([]);
  });

  test("GIVEN the platform ids WHEN built THEN the Variables are exactly those the DAGs read on Google Cloud, as AIRFLOW_VAR_*", () => {
    expect(Object.keys(airflow.variables).sort()).toEqual(dagTableVariables("gcp").sort());
    expect(container(service(json).template, "airflow").env).toContainEqual({ name: "AIRFLOW_VAR_MLOPS_TRANSFORM_JOB", value: "mlops-test-transform" });
  });

  test("GIVEN the alert channel WHEN built THEN a silent scheduler and failed tasks alert to it", () => {
    const policies = resources(json, "google_monitoring_alert_policy");
    expect(policies).toHaveLength(2);
    for (const p of policies) expect(p.notification_channels).toEqual([props().alertChannelId]);
    const text = JSON.stringify(policies);
    expect(text).toContain('resource.type=\\"cloud_run_worker_pool\\"');
    expect(text).toContain("Marking task as FAILED");
  });

  test("GIVEN the construct WHEN the GCP pack and the Google register run THEN nothing is flagged", () => {
    const { errors } = checkPolicy(stack, GCP_PACK, GCP_TEST_TAGS, gcpAcceptedRisks(RISK_ENV));
    expect(errors.map((e) => `${e.ruleId} ${e.path}`)).toEqual([]);
  });

  test("GIVEN a bad image digest and worker bounds WHEN built THEN one error names both", () => {
    expect(() => build({ image: { ...AIRFLOW_IMAGE, digest: "latest" }, minWorkers: 3, maxWorkers: 2 })).toThrow(/workers must satisfy .*got 3\.\.2.*image\.digest must be sha256/);
  });

  test("GIVEN size large WHEN built THEN the scheduler gets 4 CPUs and 8 GiB, the DAG processor 2", () => {
    const big = pools(build({ size: "large" }).json);
    expect(container(big.find((p) => p.name.endsWith("scheduler"))!.template, "airflow").resources!.limits).toEqual({ cpu: "4", memory: "8Gi" });
    expect(container(big.find((p) => p.name.endsWith("dag-processor"))!.template, "airflow").resources!.limits).toEqual({ cpu: "2", memory: "4Gi" });
  });
});
