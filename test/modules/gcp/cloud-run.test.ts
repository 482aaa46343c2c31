import { ServiceAccount } from "@cdktf/provider-google/lib/service-account";
import { CloudRun } from "../../../modules/gcp/cloud-run";
import { cloudRunSize } from "../../../modules/gcp/private/cloud-run-sizing";
import { resources, synthStack } from "../../support/synth";
import { GCP_FACTS, gcpTestStack, naming, PROJECT, serviceSpec } from "./gcp-test-stack";

const base = { naming, ...PROJECT, image: "repo/api:v1", serviceAccountEmail: "api@p.iam.gserviceaccount.com", networkId: "net", subnetId: "sub", secretIds: {}, facts: GCP_FACTS };

describe("cloudRunSize", () => {
  test.each([
    [250, 512, "1", "512Mi"],
    [500, 4096, "1", "4096Mi"],
    [1000, 8192, "2", "8192Mi"],
    [2000, 16384, "4", "16384Mi"],
    [4000, 20480, "6", "20480Mi"],
    [4000, 30720, "8", "30720Mi"],
  ])("%i millicores with %i MiB -> cpu %s, memory %s", (mc, mib, cpu, memory) => {
    expect(cloudRunSize(mc, mib)).toEqual({ cpu, memory });
  });
});

describe("CloudRun", () => {
  test("GIVEN a public jwt service with invokers THEN ingress is all, only the invokers may call, never allUsers, and the app gets its admin paths", () => {
    const stack = gcpTestStack();
    new CloudRun(stack, "run", { ...base, spec: serviceSpec({ routes: { prefix: "/model", adminPaths: ["/retrain"] } }), invokers: ["group:ml@example.com"] });
    const json = synthStack(stack);
    expect(resources(json, "google_cloud_run_v2_service")[0]).toMatchObject({ ingress: "INGRESS_TRAFFIC_ALL", invoker_iam_disabled: false });
    expect(resources(json, "google_cloud_run_v2_service_iam_member").map((m) => m.member)).toEqual(["group:ml@example.com"]);
    const env = (resources(json, "google_cloud_run_v2_service")[0].template as { containers: { env: { name: string; value?: string }[] }[] }).containers[0].env;
    expect(env).toEqual(expect.arrayContaining([{ name: "AUTH_ADMIN_PATHS", value: "/retrain" }, { name: "AUTH_ADMIN_CLAIM", value: "email" }]));
  });

  test("GIVEN an internal service THEN ingress is internal only and no invoker grant exists", () => {
    const stack = gcpTestStack();
    new CloudRun(stack, "run", { ...base, spec: serviceSpec({ ingress: "internal", auth: "none" }) });
    const json = synthStack(stack);
    expect(resources(json, "google_cloud_run_v2_service")[0]).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invoker_iam_disabled: true });
    expect(resources(json, "google_cloud_run_v2_service_iam_member")).toEqual([]);
  });

  test("GIVEN an internal service with callersOnly THEN the IAM check stays on and only the allowed callers may invoke, after their accounts", () => {
    const stack = gcpTestStack();
    const run = new CloudRun(stack, "run", { ...base, spec: serviceSpec({ ingress: "internal", auth: "none" }), callersOnly: true });
    const account = new ServiceAccount(stack, "caller", { accountId: "mlops-test-train" });
    run.allowCaller("train", `serviceAccount:${account.email}`, account);
    const json = synthStack(stack);
    expect(resources(json, "google_cloud_run_v2_service")[0]).toMatchObject({ ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY", invoker_iam_disabled: false });
    expect(resources(json, "google_cloud_run_v2_service_iam_member")).toEqual([
      expect.objectContaining({ role: "roles/run.invoker", member: "serviceAccount:${google_service_account.caller.email}", depends_on: ["google_service_account.caller"] }),
    ]);
  });

  test("GIVEN callersOnly on a public service THEN validation fails (public services use invokers)", () => {
    expect(() => new CloudRun(gcpTestStack(), "run", { ...base, spec: serviceSpec({ ingress: "public", auth: "jwt" }), callersOnly: true })).toThrow(/callersOnly applies to internal services; api is public service/);
  });

  test("GIVEN a job spec THEN a Cloud Run job runs as the account with VPC egress", () => {
    const stack = gcpTestStack();
    const run = new CloudRun(stack, "run", { ...base, spec: serviceSpec({ kind: "job", port: undefined, healthPath: undefined, ingress: "internal", auth: "none" }) });
    const job = resources(synthStack(stack), "google_cloud_run_v2_job")[0] as { template: { template: Record<string, unknown> } };
    expect(job.template.template).toMatchObject({ service_account: "api@p.iam.gserviceaccount.com", vpc_access: { egress: "ALL_TRAFFIC" } });
    expect(run.service).toBeUndefined();
  });

  test.each([
    [{ spec: serviceSpec({ usesDatabase: true }) }, /api uses the database, so database \(connection name, user\) is required/],
    [{ spec: serviceSpec({ secrets: ["token"] }) }, /secret "token" of api has no Secret Manager id/],
    [{ spec: serviceSpec({ healthPath: undefined }) }, /service api needs a port and a healthPath/],
    [{ spec: serviceSpec({ ingress: "internal", auth: "none" }), invokers: ["group:x@example.com"] }, /invokers have no effect on api/],
  ])("GIVEN invalid props THEN a ValidationError at the construct path (%#)", (over, message) => {
    expect(() => new CloudRun(gcpTestStack(), "run", { ...base, ...over })).toThrow(message);
  });
});
