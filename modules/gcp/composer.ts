/**
 * Cloud Composer 3 for one environment: the Composer API enabled, the environment private
 * (`enable_private_environment`: no public IPs on Airflow's components, access to Google APIs
 * privately) and attached to the platform's network and subnetwork, its own service account (never
 * the default Compute Engine one) with `roles/composer.worker`, the Composer service agent allowed
 * to act for that account (`roles/composer.ServiceAgentV2Ext` on it, which Composer 2 and 3 need
 * for a user-managed account), CMEK when a key is given (with the Composer agent allowed to use it),
 * environment size and worker bounds from the config, and the platform identifiers as Airflow
 * Variables (`software_config.env_variables`, `AIRFLOW_VAR_*`).
 *
 * The service account may run exactly the transform and train Cloud Run jobs (with overrides: the
 * DAG passes the data version) and read and write the data buckets' objects (`objectUser`: no
 * bucket IAM). Alerts: the environment's own health metric and failed task runs, to the channel
 * given. The DAG mirror writes `config.0.dag_gcs_prefix` (`gs://<composer bucket>/dags`).
 *
 * Attributes checked against the google provider v6.50.0,
 * google/services/composer/resource_composer_environment.go: `image_version` must match
 * `composerEnvironmentVersionRegexp`; `enable_private_environment` and
 * `workloads_config.dag_processor` are accepted only with a composer-3 image
 * (`versionValidationCustomizeDiffFunc`) and `private_environment_config` only without one;
 * `environment_size` is one of ENVIRONMENT_SIZE_SMALL|MEDIUM|LARGE; `node_config.service_account`
 * and `encryption_config.kms_key_name` force replacement; `env_variables` may not set
 * `AIRFLOW__*__*` or the reserved names (AIRFLOW_HOME, GCS_BUCKET, ...); `dag_processor.count` is 0-3.
 *
 * Deliberately not created: PyPI packages (Composer ships the Google provider), a custom bucket
 * (`storage_config`: Composer creates and encrypts its own), web server IP allow-lists (the UI
 * needs a Google sign-in with `composer.user` anyway).
 */
import { Construct } from "constructs";
import { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import { ComposerEnvironment } from "@cdktf/provider-google/lib/composer-environment";
import { KmsCryptoKeyIamMember } from "@cdktf/provider-google/lib/kms-crypto-key-iam-member";
import { MonitoringAlertPolicy, MonitoringAlertPolicyConditions } from "@cdktf/provider-google/lib/monitoring-alert-policy";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ProjectService } from "@cdktf/provider-google/lib/project-service";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { StorageBucketIamMember } from "@cdktf/provider-google/lib/storage-bucket-iam-member";
import { Fn, ITerraformDependable } from "cdktf";
import { AirflowCommonProps, AirflowJobs, AirflowSize, DagStore, PlatformAirflow, resolveAirflowCommon, variablesAsEnvironment } from "../core/airflow";
import { ConsoleLink } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { gcpDagVariables } from "./private/airflow-dag-variables";

/** Composer environment size per shared size. */
export const COMPOSER_SIZE: Readonly<Record<AirflowSize, string>> = {
  small: "ENVIRONMENT_SIZE_SMALL",
  medium: "ENVIRONMENT_SIZE_MEDIUM",
  large: "ENVIRONMENT_SIZE_LARGE",
};

/**
 * Composer 3 with Airflow 2.10.5 (build 10, released 2025-07). Composer 3's Airflow 3 builds were
 * in preview when this was written; move to one when it is GA (a major change replaces nothing in
 * Terraform's eyes but needs a Composer upgrade operation).
 */
export const COMPOSER_IMAGE_VERSION = "composer-3-airflow-2.10.5-build.10";

/** Workload sizes (vCPU, GB) per shared size; Composer 3 bills by these. */
const WORKLOADS: Readonly<Record<AirflowSize, { cpu: number; memoryGb: number }>> = {
  small: { cpu: 0.5, memoryGb: 2 },
  medium: { cpu: 1, memoryGb: 4 },
  large: { cpu: 2, memoryGb: 8 },
};

export interface ComposerProps extends AirflowCommonProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly projectNumber: string;
  readonly region: string;
  /** The platform VPC (`projects/<p>/global/networks/<n>` or its id). */
  readonly networkId: string;
  /** A subnetwork of it in `region`. */
  readonly subnetworkId: string;
  /** Cloud Run job names (v2), in `region`. */
  readonly jobs: AirflowJobs;
  /** The bucket names the DAGs read and write (Variables `mlops_processed_bucket`, `mlops_viz_bucket`; object read-write). */
  readonly dataBuckets: { readonly processed: string; readonly viz: string };
  /** Notification channel id the alerts go to. */
  readonly alertChannelId: string;
  /** The environment's labels for alert policies (`user_labels`, which provider default labels do not reach). @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Cloud KMS key id for CMEK (`projects/.../cryptoKeys/...`). @default - Google-managed encryption */
  readonly customerManagedKey?: string;
  /** @default COMPOSER_IMAGE_VERSION */
  readonly imageVersion?: string;
  /** Failed task runs in 5 minutes that alert. @default 1 */
  readonly failedTaskThreshold?: number;
}

/** Cloud Composer 3, its service account and grants, and its alerts. */
export class Composer extends Construct implements PlatformAirflow {
  readonly mode = "managed" as const;
  readonly environment: ComposerEnvironment;
  readonly account: ServiceAccount;
  readonly dagStore: DagStore;
  readonly uiUrl: string;
  readonly links: readonly ConsoleLink[];
  readonly identity: string;
  readonly variables: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: ComposerProps) {
    super(scope, id);
    const image = props.imageVersion ?? COMPOSER_IMAGE_VERSION;
    const { resolved, problems } = resolveAirflowCommon(props, [
      /^composer-3-airflow-\d+(\.\d+){0,2}(-build\.\d+)?$/.test(image)
        ? undefined
        : `imageVersion must be a Composer 3 image like composer-3-airflow-2.10.5-build.10 (private environments need Composer 3); got ${JSON.stringify(image)}`,
    ]);
    const { size, minWorkers, maxWorkers } = resolved;
    if (problems.length > 0) throw new ValidationError(problems.join("; "), this);
    const n = props.naming;
    const project = props.projectId;
    const name = n.bounded(63, "airflow");

    const api = new ProjectService(this, "api", { project, service: "composer.googleapis.com", disableOnDestroy: false, disableDependentServices: false });
    const agent = `serviceAccount:service-${props.projectNumber}@cloudcomposer-accounts.iam.gserviceaccount.com`;

    const accountId = n.bounded(30, "airflow");
    this.account = new ServiceAccount(this, "account", { project, accountId, displayName: "Airflow (Cloud Composer)", description: "Runs the DAGs: starts the transform and train jobs, reads and writes the data buckets" });
    const member = `serviceAccount:${this.account.email}`;
    const grants: ITerraformDependable[] = [
      new ProjectIamMember(this, "worker", { project, role: "roles/composer.worker", member }),
      // The agent exists once the API is enabled; the grant waits for it.
      new ServiceAccountIamMember(this, "agent-v2ext", { serviceAccountId: this.account.name, role: "roles/composer.ServiceAgentV2Ext", member: agent, dependsOn: [api] }),
    ];
    for (const [key, job] of Object.entries(props.jobs) as [keyof AirflowJobs, string | undefined][]) {
      if (job === undefined) continue;
      new CloudRunV2JobIamMember(this, `run-${key}`, { project, location: props.region, name: job, role: "roles/run.jobsExecutorWithOverrides", member });
    }
    for (const [purpose, bucket] of Object.entries(props.dataBuckets)) {
      new StorageBucketIamMember(this, `bucket-${purpose}`, { bucket, role: "roles/storage.objectUser", member });
    }
    if (props.customerManagedKey) {
      grants.push(
        new KmsCryptoKeyIamMember(this, "key-agent", { cryptoKeyId: props.customerManagedKey, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: agent, dependsOn: [api] }),
      );
    }

    const variables = gcpDagVariables(this, props, resolved.extraVariables);
    this.variables = variables;

    const w = WORKLOADS[size];
    this.environment = new ComposerEnvironment(this, "env", {
      name,
      project,
      region: props.region,
      config: {
        environmentSize: COMPOSER_SIZE[size],
        enablePrivateEnvironment: true,
        enablePrivateBuildsOnly: true,
        softwareConfig: {
          imageVersion: image,
          envVariables: variablesAsEnvironment(variables),
          airflowConfigOverrides: { "core-load_examples": "False", "scheduler-catchup_by_default": "False" },
        },
        nodeConfig: { network: props.networkId, subnetwork: props.subnetworkId, serviceAccount: this.account.email },
        workloadsConfig: {
          scheduler: { cpu: w.cpu, memoryGb: w.memoryGb, storageGb: 1, count: 1 },
          triggerer: { cpu: 0.5, memoryGb: 1, count: 1 },
          dagProcessor: { cpu: w.cpu, memoryGb: w.memoryGb, storageGb: 1, count: 1 },
          webServer: { cpu: w.cpu, memoryGb: w.memoryGb, storageGb: 1 },
          worker: { cpu: w.cpu, memoryGb: w.memoryGb, storageGb: 1, minCount: minWorkers, maxCount: maxWorkers },
        },
        ...(props.customerManagedKey ? { encryptionConfig: { kmsKeyName: props.customerManagedKey } } : {}),
      },
      dependsOn: [api, ...grants],
    });

    this.dagStore = { kind: "gcs", uri: this.environment.config.dagGcsPrefix };
    this.uiUrl = this.environment.config.airflowUri;
    this.identity = this.account.email;
    this.links = [
      { label: "Airflow UI", url: this.uiUrl },
      { label: "Composer environment", url: `https://console.cloud.google.com/composer/environments/detail/${props.region}/${name}/monitoring?project=${project}` },
    ];
    this.alerts(props, name, api);
  }

  /**
   * Lets the identity that mirrors DAGs (the deploy workflow's) write Composer's bucket:
   * `objectUser` on the bucket named in `dag_gcs_prefix` (`gs://<bucket>/dags`).
   */
  allowDagWriter(id: string, member: string): StorageBucketIamMember {
    const bucket = Fn.element(Fn.split("/", this.environment.config.dagGcsPrefix), 2);
    return new StorageBucketIamMember(this, id, { bucket, role: "roles/storage.objectUser", member });
  }

  private alerts(props: ComposerProps, name: string, api: ProjectService): void {
    const n = props.naming;
    const failed = props.failedTaskThreshold ?? 1;
    const alert = (key: string, title: string, condition: MonitoringAlertPolicyConditions["conditionThreshold"], doc: string) =>
      new MonitoringAlertPolicy(this, key, {
        project: props.projectId,
        displayName: `${n.name()} ${title}`,
        combiner: "OR",
        severity: "ERROR",
        notificationChannels: [props.alertChannelId],
        conditions: [{ displayName: title, conditionThreshold: condition }],
        documentation: { content: doc, mimeType: "text/markdown" },
        alertStrategy: { autoClose: "86400s" },
        userLabels: { ...(props.labels ?? {}) },
        dependsOn: [api], // the metric descriptors exist once Composer's API is on
      });
    alert(
      "airflow-unhealthy",
      "Airflow (Composer) unhealthy",
      {
        // Composer's own liveness check (a DAG it runs every few minutes), a BOOL gauge.
        filter: `metric.type="composer.googleapis.com/environment/healthy" AND resource.type="cloud_composer_environment" AND resource.label.environment_name="${name}"`,
        comparison: "COMPARISON_LT",
        thresholdValue: 0.5,
        duration: "900s",
        aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_FRACTION_TRUE" }],
      },
      `Composer environment ${name} reported itself unhealthy for 15 minutes: DAGs may not be scheduled. Open its Monitoring page.`,
    );
    alert(
      "airflow-task-failures",
      `Airflow: ${failed} or more failed tasks in 5 minutes`,
      {
        filter: `metric.type="composer.googleapis.com/workflow/task/run_count" AND resource.type="cloud_composer_workflow" AND resource.label.environment_name="${name}" AND metric.label.state="failed"`,
        comparison: "COMPARISON_GT",
        thresholdValue: failed - 0.5,
        duration: "0s",
        aggregations: [{ alignmentPeriod: "300s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM", groupByFields: ["resource.label.environment_name"] }],
      },
      `Task runs failed in Composer environment ${name}. Open the Airflow UI to see which DAG.`,
    );
  }
}
