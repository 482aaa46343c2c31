/**
 * The Azure CI identity rules: a compliant resource and every way of being non-compliant, built as
 * small constructs in a test stack; the PolicyAspect must report the rule id at the path.
 */
import { Aspects, TerraformStack } from "cdktf";
import { DataAzurermSubscription } from "@cdktf/provider-azurerm/lib/data-azurerm-subscription";
import { FederatedIdentityCredential, FederatedIdentityCredentialConfig } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { RoleDefinition } from "@cdktf/provider-azurerm/lib/role-definition";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { CiIdentity } from "../../modules/azure/ci-identity";
import { AzureTagsAspect } from "../../modules/azure/tags";
import { AZURE_PACK } from "../../modules/policy/azure-pack";
import { PackEntry, PolicyRule } from "../../modules/policy";
import { azureAdminOnlyBuilder } from "../../modules/policy/rules/azure-admin-only-builder";
import { azureFederatedCredentialScoped } from "../../modules/policy/rules/azure-federated-credential-scoped";
import { checkPolicy } from "../support/policy";
import { COMMON, SEED, azureTestStack } from "../modules/azure/azure-test-stack";

const TAGS = { environment: "test", "managed-by": "cdktf", platform: "mlops", cloud: "azure" };
const SUB = `/subscriptions/${SEED}`;
const packOf = (rule: PolicyRule): PackEntry[] => [{ rule, level: "error" }];

/** Runs one rule over what `build` adds to a fresh stack; returns the errors that would fail synth. */
function run(rule: PolicyRule, build: (stack: TerraformStack) => void) {
  const stack = azureTestStack();
  build(stack);
  return checkPolicy(stack, packOf(rule), TAGS).errors;
}
const identity = (s: TerraformStack, id: string) => new UserAssignedIdentity(s, id, { name: `mlops-test-${id}`, resourceGroupName: "rg", location: "westeurope" });

describe("MLOPS-AZURE-FEDERATED-CREDENTIAL-SCOPED", () => {
  const rule = azureFederatedCredentialScoped;
  const credential = (s: TerraformStack, o: Partial<FederatedIdentityCredentialConfig> = {}) =>
    new FederatedIdentityCredential(s, "fic", {
      name: "github",
      resourceGroupName: "rg",
      parentId: identity(s, "publisher").id,
      issuer: "https://token.actions.githubusercontent.com",
      audience: ["api://AzureADTokenExchange"],
      subject: "repo:acme/app:ref:refs/heads/main",
      ...o,
    });

  test.each([
    "repo:acme/app:ref:refs/heads/main",
    "repo:acme/app:ref:refs/tags/v1.2.0",
    "repo:acme-ml/mlops-suite:environment:prod",
    "repo:acme/app:pull_request",
  ])("Compliance: GitHub's issuer, the token-exchange audience and the exact subject %s", (subject) => {
    expect(run(rule, (s) => credential(s, { subject }))).toEqual([]);
  });

  test.each([
    ["a wildcard repository", { subject: "repo:acme/*" }, 'wildcard subject "repo:acme/*"'],
    ["a wildcard branch", { subject: "repo:acme/app:ref:refs/heads/*" }, "wildcard subject"],
    ["a ? wildcard", { subject: "repo:acme/app:environment:pro?" }, "wildcard subject"],
    ["a subject that is not GitHub's form", { subject: "repo:acme/app" }, 'subject "repo:acme/app" is not repo:<owner>/<name>:'],
    ["an empty subject", { subject: "" }, "no subject"],
    ["another issuer", { issuer: "https://oidc.prod-aks.azure.com/tenant/issuer" }, "not GitHub's https://token.actions.githubusercontent.com"],
    ["another audience", { audience: ["sts.amazonaws.com"] }, 'audience is ["sts.amazonaws.com"]'],
    ["an extra audience", { audience: ["api://AzureADTokenExchange", "api://other"] }, "audience is"],
  ])("Noncompliance: %s", (_label, o, message) => {
    const errors = run(rule, (s) => credential(s, o));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-FEDERATED-CREDENTIAL-SCOPED", path: "test/fic", resourceType: "azurerm_federated_identity_credential" })]);
    expect(errors[0].message).toContain(message);
  });

  test("Noncompliance: a subject computed at apply time", () => {
    const errors = run(rule, (s) => credential(s, { subject: `repo:acme/app:environment:${identity(s, "other").name}` }));
    expect(errors[0].message).toContain("computed at apply time");
  });
});

describe("MLOPS-AZURE-ADMIN-ONLY-BUILDER", () => {
  const rule = azureAdminOnlyBuilder;
  const assign = (s: TerraformStack, principalId: string, o: { scope?: string; roleDefinitionName?: string; roleDefinitionId?: string } = {}) =>
    new RoleAssignment(s, "ra", { scope: SUB, principalId, principalType: "ServicePrincipal", ...(o.roleDefinitionId ? {} : { roleDefinitionName: "Owner" }), ...o });

  test("Compliance: Owner on the subscription for the builder identity", () => {
    expect(run(rule, (s) => assign(s, identity(s, "builder").principalId))).toEqual([]);
  });
  test("Compliance: the CiIdentity construct's grants (builder Owner, developer Reader, state and registry roles)", () => {
    expect(run(rule, (s) => {
      const ci = new CiIdentity(s, "ci", { ...COMMON, subscriptionId: SEED, repository: "acme/app", githubEnvironment: "test", stateStorage: { resourceGroupName: "tfstate", storageAccountName: "tfstate" } });
      ci.allowPublish(`${SUB}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/acr`);
    })).toEqual([]);
  });
  test("Compliance: Contributor on one resource group, and Reader on the subscription, for anyone", () => {
    expect(run(rule, (s) => {
      const dev = identity(s, "developer");
      assign(s, dev.principalId, { scope: `${SUB}/resourceGroups/rg`, roleDefinitionName: "Contributor" });
      new RoleAssignment(s, "reader", { scope: SUB, roleDefinitionName: "Reader", principalId: dev.principalId });
    })).toEqual([]);
  });
  test("Compliance: a custom role with narrow actions at subscription scope", () => {
    expect(run(rule, (s) => new RoleDefinition(s, "rd", { name: "reader-plus", scope: SUB, assignableScopes: [SUB], permissions: [{ actions: ["Microsoft.Resources/subscriptions/resourceGroups/read"] }] }))).toEqual([]);
  });

  test.each([
    ["Owner to the developer identity", (s: TerraformStack) => assign(s, identity(s, "developer").principalId), "Owner at /subscriptions/"],
    ["Contributor to the publisher identity", (s: TerraformStack) => assign(s, identity(s, "publisher").principalId, { roleDefinitionName: "Contributor" }), "Contributor at"],
    ["User Access Administrator to a literal principal", (s: TerraformStack) => assign(s, "11111111-1111-1111-1111-111111111111", { roleDefinitionName: "User Access Administrator" }), "which is not the CI builder identity"],
    ["an …Administrator role to the developer", (s: TerraformStack) => assign(s, identity(s, "developer").principalId, { roleDefinitionName: "Role Based Access Control Administrator" }), "Role Based Access Control Administrator"],
    ["Owner by role_definition_id", (s: TerraformStack) => assign(s, identity(s, "developer").principalId, { roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635` }), "8e3af657"],
    ["Owner at the subscription read from a data source", (s: TerraformStack) => assign(s, identity(s, "developer").principalId, { scope: new DataAzurermSubscription(s, "sub", {}).id }), "data.azurerm_subscription.sub.id"],
    ["Owner at a management group", (s: TerraformStack) => assign(s, identity(s, "developer").principalId, { scope: "/providers/Microsoft.Management/managementGroups/root-mg" }), "managementGroups"],
  ])("Noncompliance: %s", (_label, build, message) => {
    const errors = run(rule, build);
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-ADMIN-ONLY-BUILDER", path: "test/ra", resourceType: "azurerm_role_assignment" })]);
    expect(errors[0].message).toContain(message);
  });

  test('Noncompliance: a custom role allowing "*" over the subscription (Checkov CKV_AZURE_39)', () => {
    const errors = run(rule, (s) => new RoleDefinition(s, "rd", { name: "almost-owner", scope: SUB, assignableScopes: [SUB], permissions: [{ actions: ["*"] }] }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: "MLOPS-AZURE-ADMIN-ONLY-BUILDER", path: "test/rd", resourceType: "azurerm_role_definition" })]);
    expect(errors[0].message).toContain("custom owner role");
  });
});

describe("AZURE_PACK over the CI identity", () => {
  test("Compliance: the pack holds both CI rules and the tagged CiIdentity construct passes the whole pack", () => {
    const ids = AZURE_PACK.map((e) => e.rule.id);
    expect(ids).toEqual(expect.arrayContaining(["MLOPS-AZURE-FEDERATED-CREDENTIAL-SCOPED", "MLOPS-AZURE-ADMIN-ONLY-BUILDER"]));
    const stack = azureTestStack();
    Aspects.of(stack).add(new AzureTagsAspect(TAGS));
    new CiIdentity(stack, "ci", { ...COMMON, subscriptionId: SEED, repository: "acme/app", githubEnvironment: "test" });
    expect(checkPolicy(stack, AZURE_PACK, TAGS).errors).toEqual([]);
  });
});
