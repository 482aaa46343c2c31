/** Cloud Composer 3: the environment, its service account and grants, Variables and alerts, as synthesized. */
import { TerraformOutput, TerraformStack } from "cdktf";
import { Composer, ComposerProps } from "../../../modules/gcp/composer";
import { GCP_PACK } from "../../../modules/policy/gcp-pack";
import { gcpComposerPrivate } from "../../../modules/policy/rules/gcp-composer-private";
import { gcpAcceptedRisks } from "../../../modules/policy/accepted";
import { RiskEnvironment } from "../../../modules/policy/accepted-risk";
import { dagTableVariables } from "../../support/dag-variables";
import { checkPolicy } from "../../support/policy";
import { resources, synthStack } from "../../support/synth";
import { GCP_TEST_TAGS, gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const RISK_ENV: RiskEnvironment = { name: "test", logRetentionDays: 365, lifecycle: "persistent", resilience: "zonal", storage: { encryption: "kms", accessLogging: false }, clouds: {} };
const KEY = `projects/${PROJECT.projectId}/locations/${PROJECT.region}/keyRings/mlops-test-platform/cryptoKeys/mlops-test-data`;
const AGENT = `serviceAccount:service-${PROJECT.projectNumber}@cloudcomposer-accounts.iam.gserviceaccount.com`;

function props(over: Partial<ComposerProps> = {}): ComposerProps {
  return {
    naming,
    ...PROJECT,
    networkId: `projects/${PROJECT.projectId}/global/networks/mlops-test`,
    subnetworkId: `projects/${PROJECT.projectId}/regions/${PROJECT.region}/subnetworks/mlops-test-private`,
    jobs: { transform: "mlops-test-transform", train: "mlops-test-train" },
    dataBuckets: { processed: "mlops-test-processed", viz: "mlops-test-viz" },
    alertChannelId: `projects/${PROJECT.projectId}/notificationChannels/123`,
    labels: GCP_TEST_TAGS,
    customerManagedKey: KEY,
    size: "medium",
    minWorkers: 1,
    maxWorkers: 3,
    ...over,
  };
}

function build(over: Partial<ComposerProps> = {}): { stack: TerraformStack; airflow: Composer } {
  const stack = gcpTestStack();
  const airflow = new Composer(stack, "airflow", props(over));
  return { stack, airflow };
}

type Config = {
  environment_size: string;
  enable_private_environment: boolean;
  software_config: { image_version: string; env_variables: Record<string, string> };
  node_config: { network: string; subnetwork: string; service_account: string };
  workloads_config: { worker: { min_count: number; max_count: number }; dag_processor: { count: number } };
  encryption_config?: { kms_key_name: string };
};

describe("Composer", () => {
  test("GIVEN size medium WHEN built THEN a private Composer 3 environment in the platform network, with its own account, CMEK and worker bounds", () => {
    const json = synthStack(build().stack);
    const [env] = resources(json, "google_composer_environment");
    const config = env.config as Config;
    expect(config).toMatchObject({
      environment_size: "ENVIRONMENT_SIZE_MEDIUM",
      enable_private_environment: true,
      software_config: { image_version: "composer-3-airflow-2.10.5-build.10" },
      node_config: { network: props().networkId, subnetwork: props().subnetworkId },
      workloads_config: { worker: { min_count: 1, max_count: 3 }, dag_processor: { count: 1 } },
      encryption_config: { kms_key_name: KEY },
    });
    expect(config.node_config.service_account).toMatch(/^\$\{google_service_account\..*\.email\}$/);
    expect(resources(json, "google_project_service")).toEqual([expect.objectContaining({ service: "composer.googleapis.com", disable_on_destroy: false })]);
  });

  test("GIVEN the environment WHEN built THEN the Composer agent gets ServiceAgentV2Ext on the account and the key, and the account composer.worker", () => {
    const json = synthStack(build().stack);
    expect(resources(json, "google_service_account_iam_member")).toEqual([expect.objectContaining({ role: "roles/composer.ServiceAgentV2Ext", member: AGENT })]);
    expect(resources(json, "google_kms_crypto_key_iam_member")).toEqual([expect.objectContaining({ crypto_key_id: KEY, member: AGENT, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter" })]);
    expect(resources(json, "google_project_iam_member").map((m) => m.role)).toEqual(["roles/composer.worker"]);
  });

  test("GIVEN the jobs and buckets WHEN built THEN the account may run exactly those jobs and use exactly those buckets' objects", () => {
    const json = synthStack(build().stack);
    expect(resources(json, "google_cloud_run_v2_job_iam_member").map((m) => [m.name, m.role]).sort()).toEqual([
      ["mlops-test-train", "roles/run.jobsExecutorWithOverrides"],
      ["mlops-test-transform", "roles/run.jobsExecutorWithOverrides"],
    ]);
    expect(resources(json, "google_storage_bucket_iam_member").map((m) => [m.bucket, m.role]).sort()).toEqual([
      ["mlops-test-processed", "roles/storage.objectUser"],
      ["mlops-test-viz", "roles/storage.objectUser"],
    ]);
  });

  test("GIVEN the platform ids WHEN built THEN they are AIRFLOW_VAR_* environment variables, none reserved by Composer", () => {
    const json = synthStack(build({ extraVariables: { model_name: "accidents" } }).stack);
    const vars = (resources(json, "google_composer_environment")[0].config as Config).software_config.env_variables;
    expect(vars).toMatchObject({
      AIRFLOW_VAR_MLOPS_CLOUD: "gcp",
      AIRFLOW_VAR_MLOPS_GCP_PROJECT: PROJECT.projectId,
      AIRFLOW_VAR_MLOPS_GCP_REGION: PROJECT.region,
      AIRFLOW_VAR_MLOPS_TRANSFORM_JOB: "mlops-test-transform",
      AIRFLOW_VAR_MLOPS_TRAIN_JOB: "mlops-test-train",
      AIRFLOW_VAR_MLOPS_PROCESSED_BUCKET: "mlops-test-processed",
      AIRFLOW_VAR_MODEL_NAME: "accidents",
    });
    // The provider refuses AIRFLOW__<SECTION>__<KEY> names (resource_composer_environment.go).
    expect(Object.keys(vars).filter((k) => /AIRFLOW__[A-Z0-9_]+__[A-Z0-9_]+/.test(k))).toEqual([]);
  });

  test("GIVEN the environment WHEN built THEN the DAG store and UI are the environment's dag_gcs_prefix and airflow_uri", () => {
    const { stack, airflow } = build();
    new TerraformOutput(stack, "dags", { value: (airflow.dagStore as { uri: string }).uri });
    new TerraformOutput(stack, "ui", { value: airflow.uiUrl });
    const json = synthStack(stack);
    expect(json.output?.dags.value).toMatch(/^\$\{google_composer_environment\..*\.config\[0\]\.dag_gcs_prefix\}$/);
    expect(json.output?.ui.value).toMatch(/^\$\{google_composer_environment\..*\.config\[0\]\.airflow_uri\}$/);
    expect(airflow.links[1].url).toBe(`https://console.cloud.google.com/composer/environments/detail/${PROJECT.region}/mlops-test-airflow/monitoring?project=${PROJECT.projectId}`);
  });

  test("GIVEN the alert channel WHEN built THEN unhealthy environment and failed tasks alert to it", () => {
    const policies = resources(synthStack(build().stack), "google_monitoring_alert_policy");
    expect(policies).toHaveLength(2);
    const filters = policies.map((p) => (p.conditions as { condition_threshold: { filter: string } }[])[0].condition_threshold.filter);
    expect(filters).toEqual(
      expect.arrayContaining([
        expect.stringContaining('metric.type="composer.googleapis.com/environment/healthy" AND resource.type="cloud_composer_environment" AND resource.label.environment_name="mlops-test-airflow"'),
        expect.stringContaining('metric.label.state="failed"'),
      ]),
    );
    for (const p of policies) expect(p.notification_channels).toEqual([props().alertChannelId]);
  });

  test("GIVEN no key WHEN built THEN no encryption config and no key grant", () => {
    const json = synthStack(build({ customerManagedKey: undefined }).stack);
    expect((resources(json, "google_composer_environment")[0].config as Config).encryption_config).toBeUndefined();
    expect(resources(json, "google_kms_crypto_key_iam_member")).toHaveLength(0);
  });

  test("GIVEN the construct WHEN the GCP pack, the Composer rule and the Google register run THEN nothing is flagged", () => {
    const { stack } = build();
    const { errors } = checkPolicy(stack, [...GCP_PACK, { rule: gcpComposerPrivate, level: "error" }], GCP_TEST_TAGS, gcpAcceptedRisks(RISK_ENV));
    expect(errors.map((e) => `${e.ruleId} ${e.path}`)).toEqual([]);
  });

  test("GIVEN the platform ids WHEN built THEN the Variables are exactly those the DAGs read on Google Cloud (variables.py); without a train job no train Variable or grant", () => {
    expect(Object.keys(build().airflow.variables).sort()).toEqual(dagTableVariables("gcp").sort());
    const { stack, airflow } = build({ jobs: { transform: "mlops-test-transform" } });
    expect(Object.keys(airflow.variables)).not.toContain("mlops_train_job");
    expect(resources(synthStack(stack), "google_cloud_run_v2_job_iam_member").map((m) => m.name)).toEqual(["mlops-test-transform"]);
  });

  test.each([
    [{ imageVersion: "composer-2.9.7-airflow-2.9.3" }, /imageVersion must be a Composer 3 image/],
    [{ minWorkers: 0 }, /workers must satisfy 1 <= minWorkers <= maxWorkers <= 25/],
  ])("GIVEN invalid props %j WHEN built THEN a ValidationError names the construct", (over, message) => {
    expect(() => build(over)).toThrow(message);
    expect(() => build(over)).toThrow(/^\[test\/airflow\]/);
  });
});

test("GIVEN the deploy identity WHEN granted THEN it may write objects of the bucket named in dag_gcs_prefix", () => {
  const { stack, airflow } = build();
  airflow.allowDagWriter("dag-writer", "serviceAccount:builder@p.iam.gserviceaccount.com");
  const writer = resources(synthStack(stack), "google_storage_bucket_iam_member").find((m) => m.member === "serviceAccount:builder@p.iam.gserviceaccount.com")!;
  expect(writer.role).toBe("roles/storage.objectUser");
  expect(writer.bucket).toMatch(/^\$\{element\(split\("\/", google_composer_environment\..*\.config\[0\]\.dag_gcs_prefix\), 2\)\}$/);
});
