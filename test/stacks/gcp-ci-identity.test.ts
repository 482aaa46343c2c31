/**
 * Keyless CI in the dev-gcp and prod-gcp stacks synthesized from the real environments: the pool,
 * its GitHub provider and condition, which subject may impersonate which account, and which roles
 * each account holds. Environments name acme-ml/mlops-suite and no GitHub environment (so the
 * environment's own name); the state grants follow each environment's backend (gcs in prod).
 */
import { resources, StackJson, synthProject, SynthedApp } from "../support/synth";

const REPO = "acme-ml/mlops-suite";
let built: SynthedApp;
const stacks: Record<string, StackJson> = {};

beforeAll(() => {
  built = synthProject({ select: "dev,prod", clouds: ["gcp"] });
  for (const env of ["dev", "prod"]) stacks[env] = built.json(`${env}-gcp`);
});

type Attrs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const address = (json: StackJson, type: string, attrs: Attrs) => {
  const hit = Object.entries(json.resource?.[type] ?? {}).find(([, v]) => v === attrs);
  return `${type}.${hit![0]}`;
};

test("GIVEN the real environments WHEN synthesized THEN the GCP pack, CI rules included, has no error and no suppression", () => {
  expect(built.report.errors(built.app).filter((f) => f.path.includes("-gcp/"))).toEqual([]);
  expect(built.report.suppressions("dev-gcp").filter((s) => s.source === "construct")).toEqual([]);
  expect(built.report.suppressions("prod-gcp").filter((s) => s.source === "construct")).toEqual([]);
});

describe.each([
  ["dev", "100000000001", "mlops-dev-1234"],
  ["prod", "100000000003", "mlops-prod-1234"],
])("GIVEN CI identity in %s-gcp", (env, projectNumber, projectId) => {
  const json = () => stacks[env];
  const pool = `projects/${projectNumber}/locations/global/workloadIdentityPools/mlops-${env}-github`;
  const subject = (s: string) => `principal://iam.googleapis.com/${pool}/subject/repo:${REPO}:${s}`;
  const email = (persona: string) => `mlops-${env}-${persona}@${projectId}.iam.gserviceaccount.com`;
  const member = (persona: string) => `serviceAccount:${email(persona)}`;
  const accountRef = (persona: string) => {
    const sa = resources(json(), "google_service_account").find((a) => a.account_id === `mlops-${env}-${persona}`);
    expect(sa).toBeDefined();
    return `\${${address(json(), "google_service_account", sa!)}.name}`;
  };

  test("THEN one pool and one GitHub OIDC provider admit only this repository's three subjects", () => {
    expect(resources(json(), "google_iam_workload_identity_pool")).toEqual([expect.objectContaining({ workload_identity_pool_id: `mlops-${env}-github`, project: projectId })]);
    const providers = resources(json(), "google_iam_workload_identity_pool_provider") as Attrs[];
    expect(providers).toHaveLength(1);
    const p = providers[0];
    expect(p.oidc).toEqual({ issuer_uri: "https://token.actions.githubusercontent.com" });
    expect(p.attribute_mapping).toMatchObject({
      "google.subject": "assertion.sub",
      "attribute.repository": "assertion.repository",
      "attribute.ref": "assertion.ref",
      "attribute.environment": expect.stringContaining("assertion.environment"),
    });
    expect(p.attribute_condition).toBe(
      `assertion.repository == "${REPO}" && (assertion.sub == "repo:${REPO}:ref:refs/heads/main" || assertion.sub == "repo:${REPO}:environment:${env}" || assertion.sub == "repo:${REPO}:pull_request")`,
    );
    expect(p.attribute_condition).not.toMatch(/\*|startsWith|matches|repository_owner/);
  });

  test("THEN each account may be impersonated only by the exact subject of its job, never by the whole pool", () => {
    const bindings = (resources(json(), "google_service_account_iam_binding") as Attrs[]).filter((b) => b.role === "roles/iam.workloadIdentityUser");
    expect(bindings).toHaveLength(3);
    const of = (persona: string) => bindings.find((b) => b.service_account_id === accountRef(persona))!.members;
    expect(of("publisher")).toEqual([subject("ref:refs/heads/main")]);
    expect(of("builder")).toEqual([subject(`environment:${env}`)]);
    // Pull requests only: ci.yml plans on pull_request, nothing impersonates the developer from main.
    expect(of("developer")).toEqual([subject("pull_request")]);
    expect(JSON.stringify(json().resource)).not.toContain(`${pool}/*`);
    expect(resources(json(), "google_service_account_iam_member").filter((m) => String(m.role).startsWith("roles/iam."))).toEqual([]);
  });

  test("THEN only the builder is owner of the project, the developer holds the plan-reader custom role (no basic role), and no other project role goes to CI", () => {
    const ci = (resources(json(), "google_project_iam_member") as Attrs[]).filter((m) => /^serviceAccount:mlops-[a-z]+-(publisher|builder|developer)@/.test(m.member));
    expect(ci.map((m) => `${m.member} ${m.role}`).sort()).toEqual([
      `${member("builder")} roles/owner`,
      expect.stringMatching(new RegExp(`^${member("developer").replace(/[.$]/g, "\\$&")} \\$\\{google_project_iam_custom_role\\.ci_plan-reader_[0-9A-F]+\\.name\\}$`)),
      `${member("developer")} roles/iam.securityReviewer`,
    ]);
    const [role] = resources(json(), "google_project_iam_custom_role") as Attrs[];
    expect(role.role_id).toBe(`mlops_${env}_plan_reader`);
    const permissions = role.permissions as unknown as string[];
    // Describes resources, reads no data: no object, secret value or image download.
    expect(permissions).toEqual(expect.arrayContaining(["storage.buckets.get", "secretmanager.versions.get", "cloudsql.instances.get", "run.services.get"]));
    for (const p of permissions) expect(p).not.toMatch(/^storage\.objects\.|versions\.access$|artifactregistry\.(repositories\.downloadArtifacts|files\.)|\.getData$/);
    const admins = (resources(json(), "google_project_iam_member") as Attrs[]).filter((m) => /^roles\/(owner|editor)$|admin$/i.test(m.role));
    expect(admins.map((m) => m.member)).toEqual([member("builder")]);
  });

  test("THEN the publisher may write to the image repository only; the pull-request developer reads no image and no data bucket", () => {
    const repoGrants = (resources(json(), "google_artifact_registry_repository_iam_member") as Attrs[]).filter((g) => String(g.member).startsWith(`serviceAccount:mlops-${env}-`) && !String(g.member).includes("${"));
    expect(repoGrants.map((g) => `${g.member} ${g.role}`).sort()).toEqual([`${member("publisher")} roles/artifactregistry.writer`]);
    expect(repoGrants[0].repository).toMatch(/^\$\{google_artifact_registry_repository\.registry_repository_[A-Z0-9]+\.name\}$/);
    const bucketGrants = (resources(json(), "google_storage_bucket_iam_member") as Attrs[]).filter((g) => [member("publisher"), member("builder"), member("developer")].includes(g.member));
    const data = bucketGrants.filter((g) => String(g.bucket).startsWith("${google_storage_bucket.storage_"));
    expect(data).toEqual([]);
    const state = bucketGrants.filter((g) => !String(g.bucket).startsWith("${"));
    const stateBucket = json().terraform?.backend?.gcs?.bucket as string | undefined;
    if (env === "prod") expect(stateBucket).toBe("mlops-tfstate-prod-1234");
    expect(state.map((g) => `${g.bucket} ${g.member} ${g.role}`).sort()).toEqual(
      stateBucket ? [`${stateBucket} ${member("builder")} roles/storage.objectAdmin`, `${stateBucket} ${member("developer")} roles/storage.objectViewer`] : [],
    );
  });

  test("THEN the pool waits for the IAM, STS and IAM credentials APIs, which are enabled", () => {
    const apis = resources(json(), "google_project_service").map((s) => s.service);
    expect(apis).toEqual(expect.arrayContaining(["iam.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com"]));
    const poolDeps = (resources(json(), "google_iam_workload_identity_pool")[0] as Attrs).depends_on as string[];
    for (const api of ["iam", "sts", "iamcredentials"]) expect(poolDeps).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^google_project_service\\.apis_${api}_`))]));
  });

  test("THEN the outputs give the provider's full name and the three account emails", () => {
    const out = json().output!;
    expect(out.ci_workload_identity_provider.value).toMatch(/^\$\{google_iam_workload_identity_pool_provider\.ci_provider_[A-Z0-9]+\.name\}$/);
    for (const p of ["publisher", "builder", "developer"]) expect(out[`ci_${p}`].value).toBe(email(p));
  });
});
