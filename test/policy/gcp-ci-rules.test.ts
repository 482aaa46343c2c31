/**
 * GCP keyless-CI rules: for each rule a compliant case and each way of being non-compliant, built
 * as small constructs in a test stack; the PolicyAspect must report the rule id with the construct path.
 */
import { TerraformStack } from "cdktf";
import { IamWorkloadIdentityPoolProvider, IamWorkloadIdentityPoolProviderConfig } from "@cdktf/provider-google/lib/iam-workload-identity-pool-provider";
import { ProjectIamBinding } from "@cdktf/provider-google/lib/project-iam-binding";
import { ProjectIamMember } from "@cdktf/provider-google/lib/project-iam-member";
import { ServiceAccountIamBinding } from "@cdktf/provider-google/lib/service-account-iam-binding";
import { ServiceAccountIamMember } from "@cdktf/provider-google/lib/service-account-iam-member";
import { PackEntry, PolicyRule } from "../../modules/policy";
import { GCP_PACK } from "../../modules/policy/gcp-pack";
import { topLevelConjuncts } from "../../modules/policy/rules/gcp-wif-provider-scoped";
import { CiIdentity } from "../../modules/gcp/ci-identity";
import { Registry } from "../../modules/gcp/registry";
import { checkPolicy } from "../support/policy";
import { GCP_TEST_TAGS, gcpTestStack, naming, PROJECT } from "../modules/gcp/gcp-test-stack";
import { SERVICE_CATALOG } from "../../services/catalog";

const WIF = "MLOPS-GCP-WIF-PROVIDER-SCOPED";
const POOL_WIDE = "MLOPS-GCP-WIF-NO-POOL-WIDE-PRINCIPAL";
const ADMIN = "MLOPS-GCP-ADMIN-ONLY-BUILDER";
const POOL = `projects/${PROJECT.projectNumber}/locations/global/workloadIdentityPools/mlops-test-github`;
const SA = `projects/${PROJECT.projectId}/serviceAccounts/mlops-test-builder@${PROJECT.projectId}.iam.gserviceaccount.com`;

function rule(id: string): PolicyRule {
  const e = GCP_PACK.find((p) => p.rule.id === id);
  if (!e) throw new Error(`no rule ${id} in GCP_PACK`);
  return e.rule;
}

/** `<rule id> <path>: <message>` of the errors of the given rules for a stack built by `build`. */
function findings(ids: string[], build: (stack: TerraformStack) => void) {
  const stack = gcpTestStack();
  build(stack);
  const pack: PackEntry[] = ids.map((id) => ({ rule: rule(id), level: "error" }));
  return checkPolicy(stack, pack, GCP_TEST_TAGS).errors;
}

test("GIVEN the GCP pack THEN the CI rules are in it, each naming the Checkov ids it corresponds to (or saying there is none)", () => {
  expect(rule(WIF).maps).toEqual(["Checkov CKV_GCP_118", "Checkov CKV_GCP_125"]);
  expect(rule(POOL_WIDE).maps?.[0]).toMatch(/^no direct Checkov id/);
  expect(rule(ADMIN).maps).toEqual(["Checkov CKV_GCP_42", "Checkov CKV_GCP_117"]);
});

test("GIVEN the CiIdentity module with its registry grants WHEN all three CI rules run THEN it is compliant", () => {
  const errors = findings([WIF, POOL_WIDE, ADMIN], (s) => {
    const ci = new CiIdentity(s, "ci", { naming, ...PROJECT, repository: "acme/app", githubEnvironment: "test", stateBucket: "tfstate" });
    ci.allowPublish(new Registry(s, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), naming, ...PROJECT }));
  });
  expect(errors).toEqual([]);
});

describe(WIF, () => {
  const provider = (s: TerraformStack, over: Partial<IamWorkloadIdentityPoolProviderConfig>) =>
    new IamWorkloadIdentityPoolProvider(s, "provider", {
      workloadIdentityPoolId: "mlops-test-github",
      workloadIdentityPoolProviderId: "github",
      attributeMapping: { "google.subject": "assertion.sub" },
      oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
      ...over,
    });
  test.each([
    ["the repository alone", 'assertion.repository == "acme/app"'],
    ["the repository and exact subjects", 'assertion.repository == "acme/app" && (assertion.sub == "repo:acme/app:pull_request" || assertion.sub == "repo:acme/app:ref:refs/heads/main")'],
    ["the mapped attribute, single quotes, parenthesized", "(attribute.repository=='acme/app') && assertion.ref == 'refs/heads/main'"],
  ])("Compliance: %s", (_t, condition) => {
    expect(findings([WIF], (s) => provider(s, { attributeCondition: condition }))).toEqual([]);
  });
  test("Compliance: a non-GitHub OIDC issuer with some condition", () => {
    expect(findings([WIF], (s) => provider(s, { oidc: { issuerUri: "https://gitlab.com" }, attributeCondition: 'assertion.project_path == "acme/app"' }))).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: no attribute_condition", undefined, "no attribute_condition"],
    ["Noncompliance 2: the owner only (every repository of the organisation)", "assertion.repository_owner == 'acme'", "does not require assertion.repository"],
    ["Noncompliance 3: a prefix", 'assertion.repository.startsWith("acme/")', "does not require assertion.repository"],
    ["Noncompliance 4: a wildcard repository", 'assertion.repository == "acme/*"', 'repository "acme/*" is not one exact owner/name'],
    ["Noncompliance 5: widened by ||", 'assertion.repository == "acme/app" || assertion.repository_owner == "acme"', "does not require assertion.repository"],
    ["Noncompliance 6: the repository inside an || group", '(assertion.repository == "acme/app" || true) && assertion.ref == "refs/heads/main"', "does not require assertion.repository"],
    ["Noncompliance 7: a regular expression", 'assertion.repository.matches("acme/.*")', "does not require assertion.repository"],
  ])("%s", (_t, condition, detail) => {
    const errors = findings([WIF], (s) => provider(s, { attributeCondition: condition }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: WIF, path: "test/provider", resourceType: "google_iam_workload_identity_pool_provider" })]);
    expect(errors[0].message).toContain(detail);
  });
  test("Noncompliance 8: a non-GitHub issuer without a condition", () => {
    expect(findings([WIF], (s) => provider(s, { oidc: { issuerUri: "https://gitlab.com" } }))).toEqual([expect.objectContaining({ ruleId: WIF, path: "test/provider" })]);
  });
  test("topLevelConjuncts splits on && outside parentheses and strings only", () => {
    expect(topLevelConjuncts('a == "x && y" && (b || c && d) && e')).toEqual(['a == "x && y"', "(b || c && d)", "e"]);
  });
});

describe(POOL_WIDE, () => {
  const subject = `principal://iam.googleapis.com/${POOL}/subject/repo:acme/app:environment:prod`;
  const wholePool = `principalSet://iam.googleapis.com/${POOL}/*`;
  test.each([
    ["one exact subject (member)", (s: TerraformStack) => new ServiceAccountIamMember(s, "grant", { serviceAccountId: SA, role: "roles/iam.workloadIdentityUser", member: subject })],
    ["one repository's attribute set (binding)", (s: TerraformStack) => new ServiceAccountIamBinding(s, "grant", { serviceAccountId: SA, role: "roles/iam.workloadIdentityUser", members: [`principalSet://iam.googleapis.com/${POOL}/attribute.repository/acme/app`] })],
    ["another role for the whole pool", (s: TerraformStack) => new ServiceAccountIamMember(s, "grant", { serviceAccountId: SA, role: "roles/iam.serviceAccountViewer", member: wholePool })],
  ])("Compliance: %s", (_t, build) => {
    expect(findings([POOL_WIDE], build)).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: workloadIdentityUser for the whole pool (member)", (s: TerraformStack) => new ServiceAccountIamMember(s, "grant", { serviceAccountId: SA, role: "roles/iam.workloadIdentityUser", member: wholePool }), "every identity of the pool"],
    ["Noncompliance 2: workloadIdentityUser for the whole pool among exact subjects (binding)", (s: TerraformStack) => new ServiceAccountIamBinding(s, "grant", { serviceAccountId: SA, role: "roles/iam.workloadIdentityUser", members: [subject, wholePool] }), "every identity of the pool"],
    ["Noncompliance 3: token creator for the whole pool", (s: TerraformStack) => new ServiceAccountIamMember(s, "grant", { serviceAccountId: SA, role: "roles/iam.serviceAccountTokenCreator", member: wholePool }), "every identity of the pool"],
    ["Noncompliance 4: workloadIdentityUser at project level for a federated subject", (s: TerraformStack) => new ProjectIamMember(s, "grant", { project: PROJECT.projectId, role: "roles/iam.workloadIdentityUser", member: subject }), "at project level"],
  ])("%s", (_t, build, detail) => {
    const errors = findings([POOL_WIDE], build);
    expect(errors).toEqual([expect.objectContaining({ ruleId: POOL_WIDE, path: "test/grant" })]);
    expect(errors[0].message).toContain(detail);
  });
});

describe(ADMIN, () => {
  const builder = `serviceAccount:mlops-test-builder@${PROJECT.projectId}.iam.gserviceaccount.com`;
  const shortened = `serviceAccount:abcdefghij-abcd-1a2b3c-builder@${PROJECT.projectId}.iam.gserviceaccount.com`;
  const grant = (s: TerraformStack, role: string, member: string) => new ProjectIamMember(s, "grant", { project: PROJECT.projectId, role, member });
  test.each([
    ["owner for the builder", "roles/owner", builder],
    ["owner for a shortened builder id", "roles/owner", shortened],
    ["viewer for anyone", "roles/viewer", "group:ml@example.com"],
    ["a non-admin role for another account", "roles/cloudsql.client", "serviceAccount:mlops-test-api@mlops-test-1234.iam.gserviceaccount.com"],
  ])("Compliance: %s", (_t, role, member) => {
    expect(findings([ADMIN], (s) => grant(s, role, member))).toEqual([]);
  });
  test.each([
    ["Noncompliance 1: owner for a person", "roles/owner", "user:alice@example.com"],
    ["Noncompliance 2: editor for the developer account", "roles/editor", `serviceAccount:mlops-test-developer@${PROJECT.projectId}.iam.gserviceaccount.com`],
    ["Noncompliance 3: a predefined admin role for a workload", "roles/storage.admin", "serviceAccount:mlops-test-api@mlops-test-1234.iam.gserviceaccount.com"],
    ["Noncompliance 4: project IAM admin for a group", "roles/resourcemanager.projectIamAdmin", "group:ops@example.com"],
    ["Noncompliance 5: owner for an account given by reference (cannot be told apart)", "roles/owner", "serviceAccount:${google_service_account.x.email}"],
    ["Noncompliance 6: a builder-looking account of another domain", "roles/owner", "serviceAccount:evil-builder@example.com"],
    ["Noncompliance 7: the builder of another project", "roles/owner", "serviceAccount:mlops-test-builder@other-project-1.iam.gserviceaccount.com"],
    ["Noncompliance 9: viewer (a basic role) for the pull-request developer account", "roles/viewer", `serviceAccount:mlops-test-developer@${PROJECT.projectId}.iam.gserviceaccount.com`],
  ])("%s", (_t, role, member) => {
    const errors = findings([ADMIN], (s) => grant(s, role, member));
    expect(errors).toEqual([expect.objectContaining({ ruleId: ADMIN, path: "test/grant", resourceType: "google_project_iam_member" })]);
    expect(errors[0].message).toContain(`${role} granted to ${member}`);
  });
  test("Noncompliance 8: a binding that adds anyone beside the builder", () => {
    const errors = findings([ADMIN], (s) => new ProjectIamBinding(s, "grant", { project: PROJECT.projectId, role: "roles/owner", members: [builder, "user:bob@example.com"] }));
    expect(errors).toEqual([expect.objectContaining({ ruleId: ADMIN, path: "test/grant" })]);
    expect(errors[0].message).toContain("user:bob@example.com");
    expect(errors[0].message).not.toContain("mlops-test-builder");
  });
});
