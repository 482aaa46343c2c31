/** Google: the model API may run the train job (retrain) and nothing else: roles/run.invoker on that job only, never on the project. */
import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { CloudRun } from "../../../modules/gcp/cloud-run";
import { resources, synthStack } from "../../support/synth";
import { GCP_FACTS, gcpTestStack, naming, PROJECT, serviceSpec } from "./gcp-test-stack";

const base = { naming, ...PROJECT, image: "repo/x:v1", networkId: "net", subnetId: "sub", secretIds: {}, facts: { ...GCP_FACTS, mlflowTrackingUri: "https://mlops-test-mlflow-1.europe-west3.run.app" } };
const jobSpec = (name: string) => serviceSpec({ name, kind: "job", port: undefined, healthPath: undefined, ingress: "internal", auth: "none" });

describe("Google CloudRun.allowStarting (model API retrain)", () => {
  test("GIVEN the grant THEN the model API's account holds roles/run.invoker on the train job only, after the account exists", () => {
    const stack = gcpTestStack();
    const train = new CloudRun(stack, "run-train", { ...base, spec: jobSpec("train"), serviceAccountEmail: "train@p.iam.gserviceaccount.com" });
    new CloudRun(stack, "run-transform", { ...base, spec: jobSpec("transform"), serviceAccountEmail: "transform@p.iam.gserviceaccount.com" });
    const account = new ServiceAccount(stack, "model-api", { accountId: "mlops-test-model-api" });
    train.allowStarting("model-api", `serviceAccount:${account.email}`, account);
    const json = synthStack(stack);
    const trainKey = Object.entries(json.resource!.google_cloud_run_v2_job).find(([, j]) => j.name === "mlops-test-train")![0];
    expect(resources(json, "google_cloud_run_v2_job_iam_member")).toEqual([
      {
        project: PROJECT.projectId,
        location: PROJECT.region,
        name: `\${google_cloud_run_v2_job.${trainKey}.name}`,
        // run.jobs.run without overrides (the starter sends none); run.jobs.runWithOverrides is not in this role.
        role: "roles/run.invoker",
        member: "serviceAccount:${google_service_account.model-api.email}",
        depends_on: ["google_service_account.model-api"],
      },
    ]);
    expect(resources(json, "google_project_iam_member")).toEqual([]);
  });

  test("GIVEN a service WHEN asked to let someone start it THEN validation refuses (services are invoked, jobs are started)", () => {
    const stack = gcpTestStack();
    const api = new CloudRun(stack, "run", { ...base, spec: serviceSpec(), serviceAccountEmail: "api@p.iam.gserviceaccount.com" });
    const account = new ServiceAccount(stack, "caller", { accountId: "mlops-test-caller" });
    expect(() => api.allowStarting("caller", `serviceAccount:${account.email}`, account)).toThrow("api is a service: only jobs are started");
  });
});
