/** CiIdentity (Azure): what it refuses, and the state grants that follow the backend. */
import { CiIdentity, CiIdentityProps } from "../../../modules/azure/ci-identity";
import { resources, synthStack } from "../../support/synth";
import { COMMON, SEED, azureTestStack } from "./azure-test-stack";

const base: CiIdentityProps = { ...COMMON, subscriptionId: SEED, repository: "acme/app", githubEnvironment: "test" };

describe("CiIdentity validation", () => {
  test.each([
    ["a wildcard repository", { repository: "acme/*" }, /repository must be owner\/name with no wildcard; got "acme\/\*"/],
    ["a repository without owner", { repository: "app" }, /repository must be owner\/name/],
    ["a subscription that is not a GUID", { subscriptionId: "my-sub" }, /subscriptionId must be a lowercase GUID; got "my-sub"/],
    ["a wildcard GitHub environment", { githubEnvironment: "prod*" }, /githubEnvironment must be a plain name \(no wildcard, colon or space\); got "prod\*"/],
    ["an empty GitHub environment", { githubEnvironment: "" }, /githubEnvironment must be a plain name/],
    ["a wildcard branch", { publishBranch: "release/*" }, /publishBranch must be a plain name/],
  ])("GIVEN %s WHEN constructed THEN it throws", (_label, o, message) => {
    expect(() => new CiIdentity(azureTestStack(), "ci", { ...base, ...o })).toThrow(message);
  });
});

describe("CiIdentity state grants", () => {
  test("GIVEN no state storage WHEN synthesized THEN only the subscription roles exist", () => {
    const stack = azureTestStack();
    new CiIdentity(stack, "ci", base);
    expect(resources(synthStack(stack), "azurerm_role_assignment").map((r) => r.role_definition_name).sort()).toEqual(["Owner", "Reader"]);
  });
  test("GIVEN an azurerm state account WHEN synthesized THEN its id is a string built from config and the builder writes, the developer reads", () => {
    const stack = azureTestStack();
    const ci = new CiIdentity(stack, "ci", { ...base, publishBranch: "trunk", stateStorage: { resourceGroupName: "tfstate-rg", storageAccountName: "tfstateacct" } });
    const id = `/subscriptions/${SEED}/resourceGroups/tfstate-rg/providers/Microsoft.Storage/storageAccounts/tfstateacct`;
    expect(ci.stateStorageAccountId).toBe(id);
    const json = synthStack(stack);
    expect(resources(json, "azurerm_role_assignment").filter((r) => r.scope === id).map((r) => r.role_definition_name).sort()).toEqual(["Storage Blob Data Contributor", "Storage Blob Data Reader"]);
    expect(json.data).toBeUndefined();
    expect(resources(json, "azurerm_federated_identity_credential").map((c) => c.subject)).toContain("repo:acme/app:ref:refs/heads/trunk");
  });
});
