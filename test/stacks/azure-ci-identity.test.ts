/**
 * The real environments' Azure CI identities, synthesized once: three managed identities, their
 * GitHub federated credentials (exact subjects), the role each holds and where, and the outputs
 * workflows read. State grants follow the stack's backend: an azurerm backend's account gets them,
 * a local backend none.
 */
import { resources, StackJson, SynthedApp, synthProject } from "../support/synth";

const REPO = "repo:acme-ml/mlops-suite";
const SUBSCRIPTION = { dev: "00000000-0000-0000-0000-000000000001", prod: "00000000-0000-0000-0000-000000000003" } as const;
type Env = keyof typeof SUBSCRIPTION;
let built: SynthedApp;
const json: Partial<Record<Env, StackJson>> = {};

beforeAll(() => {
  built = synthProject({ select: "dev,prod", clouds: ["azure"] });
  json.dev = built.json("dev-azure");
  json.prod = built.json("prod-azure");
});

/** The Terraform address (`type.id`) of the resource with this `name`. */
function addressOf(j: StackJson, type: string, name: string): string {
  const entry = Object.entries(j.resource?.[type] ?? {}).find(([, r]) => r.name === name);
  expect(entry).toBeDefined();
  return `${type}.${entry![0]}`;
}
/** The Terraform address of the resource built at this construct path (`<stack>/registry/acr`). */
function addressAt(j: StackJson, type: string, path: string): string {
  const entry = Object.entries(j.resource?.[type] ?? {}).find(([, r]) => (r["//"] as { metadata?: { path?: string } } | undefined)?.metadata?.path === path);
  expect(entry).toBeDefined();
  return `${type}.${entry![0]}`;
}
const identities = (j: StackJson, env: Env) =>
  Object.fromEntries((["publisher", "builder", "developer"] as const).map((n) => [n, addressOf(j, "azurerm_user_assigned_identity", `mlops-${env}-${n}`)]));
/** `<who> <role> @ <scope>` for every role assignment held by one of the CI identities. */
function grants(j: StackJson, env: Env): string[] {
  const who = Object.fromEntries(Object.entries(identities(j, env)).map(([n, a]) => [`\${${a}.principal_id}`, n]));
  return resources(j, "azurerm_role_assignment")
    .filter((r) => who[r.principal_id as string] !== undefined)
    .map((r) => `${who[r.principal_id as string]} ${r.role_definition_name as string} @ ${r.scope as string}`)
    .sort();
}

describe.each(["dev", "prod"] as const)("Azure CI identity in %s-azure", (env) => {
  const j = () => json[env]!;
  const sub = `/subscriptions/${SUBSCRIPTION[env]}`;

  test("GIVEN CI identity WHEN synthesized THEN three user-assigned identities live in the environment's resource group", () => {
    for (const n of ["publisher", "builder", "developer"]) {
      expect(resources(j(), "azurerm_user_assigned_identity").find((r) => r.name === `mlops-${env}-${n}`)).toMatchObject({
        resource_group_name: "${azurerm_resource_group.rg.name}",
        location: "westeurope",
      });
    }
  });

  test("GIVEN CI identity WHEN synthesized THEN each trusts GitHub for exactly one subject of this repository", () => {
    const ids = identities(j(), env);
    const creds = resources(j(), "azurerm_federated_identity_credential");
    const subjectsOf = (n: string) => creds.filter((c) => c.parent_id === `\${${ids[n]}.id}`).map((c) => c.subject);
    expect(subjectsOf("publisher")).toEqual([`${REPO}:ref:refs/heads/main`]);
    expect(subjectsOf("builder")).toEqual([`${REPO}:environment:${env}`]);
    expect(subjectsOf("developer")).toEqual([`${REPO}:pull_request`]);
    expect(creds).toHaveLength(3);
    for (const c of creds) {
      expect(c).toMatchObject({ issuer: "https://token.actions.githubusercontent.com", audience: ["api://AzureADTokenExchange"] });
    }
  });

  test("GIVEN CI identity WHEN synthesized THEN the builder alone owns the subscription and writes secrets; the publisher only pushes; the developer reads no data", () => {
    const acr = `\${${addressAt(j(), "azurerm_container_registry", `${env}-azure/registry/acr`)}.id}`;
    const vault = `\${${addressAt(j(), "azurerm_key_vault", `${env}-azure/secrets/vault`)}.id}`;
    const backend = j().terraform?.backend?.azurerm as { resource_group_name: string; storage_account_name: string } | undefined;
    const state = backend && `${sub}/resourceGroups/${backend.resource_group_name}/providers/Microsoft.Storage/storageAccounts/${backend.storage_account_name}`;
    const expected = [
      `builder Owner @ ${sub}`,
      // Stable writer of the vault (issue 15 item 4): not whoever runs Terraform.
      `builder Key Vault Secrets Officer @ ${vault}`,
      // A pull request's workflow is the branch's own file: the developer gets no image, blob or secret role.
      // the deploy workflow's mirror step writes Airflow's DAG container (modules/azure/self-hosted-airflow.ts allowDagWriter)
      "builder Storage Blob Data Contributor @ ${azurerm_storage_container.airflow_dags_3D67F80F.id}",
      `developer Reader @ ${sub}`,
      `publisher AcrPush @ ${acr}`,
      // images.yml imports into later environments' registries server-side (prod's has no public data endpoint).
      `publisher Container Registry Data Importer and Data Reader @ ${acr}`,
      ...(state ? [`builder Storage Blob Data Contributor @ ${state}`, `developer Storage Blob Data Reader @ ${state}`] : []),
    ].sort();
    if (env === "prod") expect(state).toBeDefined();
    expect(grants(j(), env)).toEqual(expected);
    // Nobody else holds Owner, Contributor or an administrator role anywhere in the stack.
    const privileged = resources(j(), "azurerm_role_assignment").filter((r) => /^(Owner|Contributor)$|Administrator/.test(String(r.role_definition_name)));
    expect(privileged.map((r) => r.principal_id)).toEqual([`\${${identities(j(), env).builder}.principal_id}`]);
  });

  test("GIVEN CI identity WHEN synthesized THEN workflows can read the client ids, tenant and subscription from the outputs", () => {
    const ids = identities(j(), env);
    const out = j().output ?? {};
    for (const n of ["publisher", "builder", "developer"]) expect(out[`ci_${n}`]?.value).toBe(`\${${ids[n]}.client_id}`);
    expect(out.ci_tenant_id?.value).toBe("00000000-0000-0000-0000-0000000000aa");
    expect(out.ci_subscription_id?.value).toBe(SUBSCRIPTION[env]);
  });

  test("GIVEN CI identity WHEN the Azure pack runs THEN neither CI rule reports a finding", () => {
    const findings = built.report.errors(built.app).filter((f) => f.path.startsWith(`${env}-azure/`));
    expect(findings).toEqual([]);
  });
});
