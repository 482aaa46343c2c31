/** Google APIs: every API the platform uses is enabled, and none is ever disabled on destroy. */
import { PLATFORM_APIS, ProjectServices } from "../../../modules/gcp/project-services";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, PROJECT } from "./gcp-test-stack";

describe("Google ProjectServices", () => {
  let json: StackJson;
  let services: ProjectServices;
  beforeAll(() => {
    const stack = gcpTestStack();
    services = new ProjectServices(stack, "apis", { projectId: PROJECT.projectId });
    json = synthStack(stack);
  });

  test("GIVEN defaults WHEN synthesized THEN one google_project_service per platform API on the project, each reachable by name", () => {
    const enabled = resources(json, "google_project_service");
    expect(enabled.map((s) => s.service).sort()).toEqual([...PLATFORM_APIS].sort());
    expect(enabled.every((s) => s.project === PROJECT.projectId)).toBe(true);
    expect([...services.byApi.keys()].sort()).toEqual([...PLATFORM_APIS].sort());
  });

  test("GIVEN destroy THEN no API is disabled, nor the services that depend on it (other workloads may use them)", () => {
    for (const s of resources(json, "google_project_service")) expect(s).toMatchObject({ disable_on_destroy: false, disable_dependent_services: false });
  });

  test("GIVEN the platform's needs THEN keyless CI's token exchange, KMS, scanning and project IAM APIs are in the list", () => {
    expect(PLATFORM_APIS).toEqual(expect.arrayContaining(["sts.googleapis.com", "iamcredentials.googleapis.com", "cloudkms.googleapis.com", "containerscanning.googleapis.com", "cloudresourcemanager.googleapis.com"]));
  });

  test("GIVEN an explicit list WHEN synthesized THEN only those APIs", () => {
    const stack = gcpTestStack();
    new ProjectServices(stack, "apis", { projectId: PROJECT.projectId, apis: ["run.googleapis.com"] });
    expect(resources(synthStack(stack), "google_project_service").map((s) => s.service)).toEqual(["run.googleapis.com"]);
  });
});
