/**
 * Google data trigger: an object finalized under the catalog job's prefix runs its Cloud Run job through
 * Pub/Sub, Eventarc and a Workflow, with an account that may do only that.
 * The workflow passes the object as INPUT_BUCKET and INPUT_KEY, the contract's runtime-set names the transform image reads.
 */
import { DataTrigger } from "../../../modules/gcp/data-trigger";
import type { PlatformObjectStorage } from "../../../modules/core/contracts";
import { RUNTIME_SET_ENV } from "../../../modules/core/container-contract";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const job = SERVICE_CATALOG.find((s) => s.kind === "job" && s.trigger)!;
const storage: PlatformObjectStorage = { bucketName: (p) => `mlops-test-${p}-${PROJECT.projectNumber}` };
const BASE = { naming, projectId: PROJECT.projectId, region: PROJECT.region, storage, jobName: job.name, runJobName: `mlops-test-${job.name}`, bucket: job.trigger!.bucket };
const AGENT = "${data.google_storage_project_service_account.storage-service-agent.member}";

describe("Google DataTrigger", () => {
  let json: StackJson;
  beforeAll(() => {
    const stack = gcpTestStack();
    new DataTrigger(stack, `${job.name}-trigger`, { ...BASE, prefix: job.trigger!.prefix });
    json = synthStack(stack);
  });

  test("GIVEN the catalog's triggered job WHEN synthesized THEN the bucket notifies its topic of finalized objects under the prefix only", () => {
    expect(resources(json, "google_storage_notification")).toEqual([expect.objectContaining({
      bucket: storage.bucketName(job.trigger!.bucket), event_types: ["OBJECT_FINALIZE"], object_name_prefix: job.trigger!.prefix, payload_format: "JSON_API_V1",
    })]);
  });

  test("GIVEN the topic THEN only the Cloud Storage agent (read through the data source that provisions it) may publish, granted before the notification", () => {
    expect(resources(json, "google_pubsub_topic_iam_member")).toEqual([expect.objectContaining({ role: "roles/pubsub.publisher", member: AGENT })]);
    expect(resources(json, "google_storage_notification")[0].depends_on).toEqual([expect.stringContaining("google_pubsub_topic_iam_member")]);
  });

  test("GIVEN the trigger's account THEN it may receive events, invoke workflows, write the workflow's call logs and run only this job with overrides", () => {
    expect(resources(json, "google_project_iam_member").map((m) => m.role).sort()).toEqual(["roles/eventarc.eventReceiver", "roles/logging.logWriter", "roles/workflows.invoker"]);
    expect(resources(json, "google_cloud_run_v2_job_iam_member")).toEqual([expect.objectContaining({ name: BASE.runJobName, role: "roles/run.jobsExecutorWithOverrides", location: PROJECT.region })]);
  });

  test("GIVEN the workflow THEN it runs the job by its full path, passes the bucket and object as the contract's runtime-set names, and Terraform leaves its ${...} expressions alone", () => {
    const [wf] = resources(json, "google_workflows_workflow");
    const source = String(wf.source_contents);
    expect(source).toContain(`name: projects/${PROJECT.projectId}/locations/${PROJECT.region}/jobs/${BASE.runJobName}`);
    expect(RUNTIME_SET_ENV[job.name]).toEqual(["INPUT_BUCKET", "INPUT_KEY"]);
    expect([...source.matchAll(/- name: (INPUT_[A-Z_]+)/g)].map((m) => m[1])).toEqual(RUNTIME_SET_ENV[job.name]);
    expect(source).toMatch(/- name: INPUT_BUCKET\s+value: \$\$\{attrs\.bucketId\}/);
    expect(source).toMatch(/- name: INPUT_KEY\s+value: \$\$\{attrs\.objectId\}/);
    expect(wf.call_log_level).toBe("LOG_ERRORS_ONLY");
  });

  test("GIVEN the Eventarc trigger THEN it listens on the topic for published messages and targets the workflow", () => {
    expect(resources(json, "google_eventarc_trigger")).toEqual([expect.objectContaining({
      matching_criteria: [{ attribute: "type", value: "google.cloud.pubsub.topic.v1.messagePublished" }],
      destination: { workflow: expect.stringContaining("google_workflows_workflow") },
      transport: { pubsub: { topic: expect.stringContaining("google_pubsub_topic") } },
    })]);
  });

  test.each(["", "/incoming/"])("GIVEN prefix %p WHEN constructed THEN validation explains the prefix form", (prefix) => {
    expect(() => new DataTrigger(gcpTestStack(), "t", { ...BASE, prefix })).toThrow(`prefix must be a non-empty object name prefix without a leading slash, like "incoming/"; got ${JSON.stringify(prefix)}`);
  });
});
