/** Google API ordering: each google_* resource and data source waits for the API that serves it, so a first apply on an empty project does not race. */
import { Aspects } from "cdktf";
import { ApiDependencies } from "../../../modules/gcp/api-dependencies";
import { EncryptionKey } from "../../../modules/gcp/encryption-key";
import { ProjectServices } from "../../../modules/gcp/project-services";
import { Registry } from "../../../modules/gcp/registry";
import { Secrets } from "../../../modules/gcp/secrets";
import { StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";
import { SERVICE_CATALOG } from "../../../services/catalog";

const deps = (el: Record<string, unknown> | undefined): string[] => (el?.depends_on as string[] | undefined) ?? [];
const apiRef = (api: string): RegExp => new RegExp(`^google_project_service\\.apis_${api.split(".")[0]}_[A-Z0-9]+$`);

describe("Google ApiDependencies", () => {
  let json: StackJson;
  beforeAll(() => {
    const stack = gcpTestStack();
    const apis = new ProjectServices(stack, "apis", { projectId: PROJECT.projectId, apis: ["artifactregistry.googleapis.com", "secretmanager.googleapis.com", "cloudkms.googleapis.com", "storage.googleapis.com"] });
    new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), naming, projectId: PROJECT.projectId, region: PROJECT.region });
    new Secrets(stack, "secrets", { naming, projectId: PROJECT.projectId, region: PROJECT.region, names: ["signing-key"] }); // explicit: no catalog workload has a secret of its own
    new EncryptionKey(stack, "key", { naming, ...PROJECT, users: ["storage"] });
    Aspects.of(stack).add(new ApiDependencies(apis.byApi));
    json = synthStack(stack);
  });
  const all = (type: string, kind: "resource" | "data" = "resource"): Record<string, unknown>[] => Object.values(json[kind]?.[type] ?? {});

  test.each([
    ["google_artifact_registry_repository", "artifactregistry.googleapis.com"],
    ["google_secret_manager_secret", "secretmanager.googleapis.com"],
    ["google_secret_manager_secret_version", "secretmanager.googleapis.com"],
    ["google_kms_key_ring", "cloudkms.googleapis.com"],
    ["google_kms_crypto_key_iam_member", "cloudkms.googleapis.com"],
  ])("GIVEN %s WHEN synthesized THEN it depends on the project service of %s", (type, api) => {
    const elements = all(type);
    expect(elements.length).toBeGreaterThan(0);
    for (const e of elements) expect(deps(e)).toEqual(expect.arrayContaining([expect.stringMatching(apiRef(api))]));
  });

  test("GIVEN a data source served by an enabled API THEN it waits too (read at apply, after enablement)", () => {
    const [agent] = all("google_storage_project_service_account", "data");
    expect(deps(agent)).toEqual([expect.stringMatching(apiRef("storage.googleapis.com"))]);
  });

  test("GIVEN the project services themselves, or a resource whose API is not managed here THEN no dependency is added", () => {
    for (const s of all("google_project_service")) expect(deps(s)).toEqual([]);
    const stack = gcpTestStack();
    new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), naming, projectId: PROJECT.projectId, region: PROJECT.region });
    Aspects.of(stack).add(new ApiDependencies(new Map()));
    for (const r of Object.values(synthStack(stack).resource?.google_artifact_registry_repository ?? {})) expect(deps(r)).toEqual([]);
  });

  test("GIVEN the aspect visiting twice THEN each dependency is listed once", () => {
    for (const s of all("google_secret_manager_secret")) expect(new Set(deps(s)).size).toBe(deps(s).length);
  });
});
