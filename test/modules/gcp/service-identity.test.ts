/** Google workload identity: one account per catalog workload with only the grants its spec names; no keys, no broad roles. */
import { TerraformStack } from "cdktf";
import { ObjectStorage } from "../../../modules/gcp/object-storage";
import { Registry } from "../../../modules/gcp/registry";
import { Secrets } from "../../../modules/gcp/secrets";
import { BUCKET_ROLE, ServiceIdentity, serviceIdentityEmail } from "../../../modules/gcp/service-identity";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

type Identified = { json: StackJson; email: string };
const INSTANCE = "mlops-test-mlflow";

function build(): Record<string, Identified> {
  const out: Record<string, Identified> = {};
  for (const spec of SERVICE_CATALOG) {
    const stack: TerraformStack = gcpTestStack();
    const storage = new ObjectStorage(stack, "storage", { naming, ...PROJECT });
    const secrets = new Secrets(stack, "secrets", { naming, projectId: PROJECT.projectId, region: PROJECT.region, names: spec.secrets });
    const registry = new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), naming, projectId: PROJECT.projectId, region: PROJECT.region });
    const id = new ServiceIdentity(stack, spec.name, { naming, projectId: PROJECT.projectId, spec, storage, secrets, registry, databaseInstanceName: INSTANCE });
    out[spec.name] = { json: synthStack(stack), email: id.email };
  }
  return out;
}

describe("Google ServiceIdentity", () => {
  let built: Record<string, Identified>;
  beforeAll(() => {
    built = build();
  });

  test.each(SERVICE_CATALOG.map((s) => [s.name, s] as const))("GIVEN catalog workload %s THEN bucket roles exactly as its spec names them", (name, spec) => {
    const grants = resources(built[name].json, "google_storage_bucket_iam_member").map((g) => [String(g.bucket), String(g.role)] as const);
    expect(grants).toHaveLength(Object.keys(spec.buckets).length);
    for (const [purpose, access] of Object.entries(spec.buckets)) {
      expect(grants.filter(([bucket, role]) => bucket.includes(`google_storage_bucket.storage_${purpose}_`) && role === BUCKET_ROLE[access])).toHaveLength(1);
    }
  });

  test.each(SERVICE_CATALOG.map((s) => [s.name, s] as const))("GIVEN catalog workload %s THEN secret access only on its own secrets, image pull on the repository, no key", (name, spec) => {
    const json = built[name].json;
    expect(resources(json, "google_secret_manager_secret_iam_member")).toHaveLength(spec.secrets.length);
    expect(resources(json, "google_secret_manager_secret_iam_member").every((g) => g.role === "roles/secretmanager.secretAccessor")).toBe(true);
    expect(resources(json, "google_artifact_registry_repository_iam_member")).toEqual([expect.objectContaining({ role: "roles/artifactregistry.reader" })]);
    expect(resources(json, "google_service_account_key")).toEqual([]);
    expect(built[name].email).toBe(serviceIdentityEmail(naming, PROJECT.projectId, name));
  });

  test.each(SERVICE_CATALOG.map((s) => [s.name, s] as const))("GIVEN catalog workload %s THEN project roles only for the database, conditioned on the platform's instance", (name, spec) => {
    const project = resources(built[name].json, "google_project_iam_member");
    if (!spec.usesDatabase) {
      expect(project).toEqual([]);
      return;
    }
    expect(project.map((p) => p.role).sort()).toEqual(["roles/cloudsql.client", "roles/cloudsql.instanceUser"]);
    for (const p of project) expect((p.condition as { expression: string }).expression).toBe(`resource.name == "projects/${PROJECT.projectId}/instances/${INSTANCE}" && resource.service == "sqladmin.googleapis.com"`);
  });

  test("GIVEN a long workload name THEN the account id is bounded to Google's 30 characters", () => {
    const email = serviceIdentityEmail(naming, PROJECT.projectId, "a-workload-with-a-very-long-name");
    expect(email.split("@")[0].length).toBeLessThanOrEqual(30);
  });
});
