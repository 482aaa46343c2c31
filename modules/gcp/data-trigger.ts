/**
 * Starts a Cloud Run job when an object is finalized under a prefix of a bucket (the seeds' watch
 * folder): a Cloud Storage notification (with native prefix filtering) publishes to a Pub/Sub
 * topic, an Eventarc trigger on that topic starts a small Workflow, and the workflow runs the job
 * with the bucket and object name as env overrides (INPUT_BUCKET, INPUT_KEY: the contract's runtime-set names). Eventarc cannot
 * target a Cloud Run job directly; Workflows is Google's documented bridge.
 *
 * The trigger runs as its own service account that may only receive events, invoke workflows,
 * write the workflow's logs and run this one job with overrides. The Eventarc trigger is created
 * after those grants and after a pause for the Eventarc service agent (created by the day-0
 * runbook, `gcloud beta services identity create --service=eventarc.googleapis.com`; IAM on it is
 * eventually consistent): `eventarcReady`. With `kmsKeyName` the topic is encrypted with the
 * environment's key (Checkov CKV_GCP_83), after the Pub/Sub agent's key grant (`keyReady`). The Cloud Storage service agent may only publish to this topic;
 * it is read with `google_storage_project_service_account`, which provisions it on a fresh project
 * (a grant to the agent's literal address fails until Google has created it).
 * It deliberately keeps no dead-letter topic: a missed arrival is re-driven by re-uploading, and the
 * job-failure alert (Monitoring) covers failed runs.
 */
import { Construct, IConstruct } from "constructs";
import { CloudRunV2JobIamMember } from "@cdktf/provider-google/lib/cloud-run-v2-job-iam-member";
import { EventarcTrigger } from "@cdktf/provider-google/lib/eventarc-trigger";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { PubsubTopic } from "@cdktf/provider-google/lib/pubsub-topic";
import { PubsubTopicIamMember } from "@cdktf/provider-google/lib/pubsub-topic-iam-member";
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { StorageNotification } from "@cdktf/provider-google/lib/storage-notification";
import { WorkflowsWorkflow } from "@cdktf/provider-google/lib/workflows-workflow";
import { ValidationError } from "../core/errors";
import type { PlatformDataTrigger, PlatformObjectStorage } from "../core/contracts";
import { Naming } from "../core/naming";
import type { BucketPurpose } from "../core/workload-spec";
import { storageServiceAgent } from "./private/storage-agent";
import { dependOn } from "./private/depends-on";
import { waitFor } from "./private/propagation-wait";

export interface DataTriggerProps {
  readonly naming: Naming;
  readonly projectId: string;
  readonly region: string;
  /** The buckets; `bucket` names the one watched. */
  readonly storage: PlatformObjectStorage;
  readonly bucket: BucketPurpose;
  /** Object name prefix, like `incoming/`. */
  readonly prefix: string;
  /** Catalog name of the job (resource names derive from it). */
  readonly jobName: string;
  /** Name of the Cloud Run job to start. */
  readonly runJobName: string;
  /** Cloud KMS key for the topic (`kms_key_name`, resource_pubsub_topic.go v6.50.0). @default - Google-managed */
  readonly kmsKeyName?: string;
  /** What the topic waits for when encrypted: the Pub/Sub agent's key grant (and its propagation). @default - nothing */
  readonly keyReady?: readonly (IConstruct | string)[];
  /** What the Eventarc trigger waits for besides its own grants: the Eventarc API and its agent's propagation. @default - nothing */
  readonly eventarcReady?: readonly (IConstruct | string)[];
}

/** Roles of the trigger's account on the project: receive events, invoke the workflow, write its call logs. */
export const TRIGGER_PROJECT_ROLES = ["roles/eventarc.eventReceiver", "roles/workflows.invoker", "roles/logging.logWriter"] as const;

/** Storage notification -> Pub/Sub -> Eventarc -> Workflow -> Cloud Run job. */
export class DataTrigger extends Construct implements PlatformDataTrigger {
  readonly jobName: string;
  readonly bucket: BucketPurpose;
  readonly prefix: string;
  readonly topic: PubsubTopic;
  readonly workflow: WorkflowsWorkflow;
  readonly trigger: EventarcTrigger;

  constructor(scope: Construct, id: string, props: DataTriggerProps) {
    super(scope, id);
    this.jobName = props.jobName;
    this.bucket = props.bucket;
    this.prefix = props.prefix;
    const bucketName = props.storage.bucketName(props.bucket);
    if (props.prefix.startsWith("/") || props.prefix.length === 0) {
      throw new ValidationError(`prefix must be a non-empty object name prefix without a leading slash, like "incoming/"; got ${JSON.stringify(props.prefix)}`, this);
    }
    const n = props.naming;
    const project = props.projectId;

    this.topic = new PubsubTopic(this, "topic", { name: n.name(props.jobName, "arrivals"), project, messageRetentionDuration: "86400s", kmsKeyName: props.kmsKeyName });
    after(this.topic, props.keyReady);
    const publisher = new PubsubTopicIamMember(this, "storage-publishes", {
      project,
      topic: this.topic.name,
      role: "roles/pubsub.publisher",
      member: storageServiceAgent(this, project).member,
    });
    new StorageNotification(this, "notification", {
      bucket: bucketName,
      topic: this.topic.id,
      payloadFormat: "JSON_API_V1",
      eventTypes: ["OBJECT_FINALIZE"],
      objectNamePrefix: props.prefix,
      dependsOn: [publisher],
    });

    const accountId = n.bounded(30, props.jobName, "trigger");
    const account = new ServiceAccount(this, "account", { project, accountId, displayName: `${props.jobName} data-arrival trigger` });
    const member = `serviceAccount:${account.email}`;
    const grants = TRIGGER_PROJECT_ROLES.map((role) => new ProjectIamMember(this, role.split(".")[1].toLowerCase(), { project, role, member }));
    const runsJob = new CloudRunV2JobIamMember(this, "runs-job", {
      project,
      location: props.region,
      name: props.runJobName,
      role: "roles/run.jobsExecutorWithOverrides",
      member,
    });

    // `$${` is Terraform's escape for a literal `${`: these are Workflows expressions, not Terraform's.
    const jobPath = `projects/${project}/locations/${props.region}/jobs/${props.runJobName}`;
    this.workflow = new WorkflowsWorkflow(this, "workflow", {
      name: n.name(props.jobName, "on-arrival"),
      project,
      region: props.region,
      description: `Runs ${props.runJobName} for each object finalized under gs://${bucketName}/${props.prefix}`,
      serviceAccount: account.id,
      callLogLevel: "LOG_ERRORS_ONLY",
      deletionProtection: false,
      // The first execution runs the job with overrides and writes logs: those grants come first.
      dependsOn: [runsJob, ...grants],
      sourceContents: [
        "main:",
        "  params: [event]",
        "  steps:",
        "    - read:",
        "        assign:",
        "          - attrs: $${event.data.message.attributes}",
        "    - run:",
        "        call: googleapis.run.v2.projects.locations.jobs.run",
        "        args:",
        `          name: ${jobPath}`,
        "          body:",
        "            overrides:",
        "              containerOverrides:",
        "                - env:",
        "                    - name: INPUT_BUCKET",
        "                      value: $${attrs.bucketId}",
        "                    - name: INPUT_KEY",
        "                      value: $${attrs.objectId}",
        "          connector_params:",
        "            skip_polling: true",
        "        result: execution",
        "    - done:",
        "        return: $${execution.metadata.name}",
        "",
      ].join("\n"),
    });

    this.trigger = new EventarcTrigger(this, "trigger", {
      name: n.name(props.jobName, "arrivals"),
      project,
      location: props.region,
      serviceAccount: account.email,
      matchingCriteria: [{ attribute: "type", value: "google.cloud.pubsub.topic.v1.messagePublished" }],
      transport: { pubsub: { topic: this.topic.id } },
      destination: { workflow: this.workflow.id },
      // Eventarc checks the account's roles when the trigger is created (a fresh project fails otherwise).
      dependsOn: [...grants, runsJob],
    });
    after(this.trigger, props.eventarcReady);
  }
}

/** Makes `target` wait for constructs and `time_sleep` addresses. */
function after(target: IConstruct, deps: readonly (IConstruct | string)[] | undefined): void {
  for (const d of deps ?? []) {
    if (typeof d === "string") waitFor(d, target);
    else dependOn(target, d);
  }
}
