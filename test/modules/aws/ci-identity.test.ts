/** AWS CI identity: keyless GitHub OIDC roles, each trusting only this repository and its own ref or environment. */
import { CiIdentity } from "../../../modules/aws/ci-identity";
import { CI_PERSONAS } from "../../../modules/core/contracts";
import { resources, StackJson, synthStack } from "../../support/synth";
import { ACCOUNT, AWS_NAMING, awsTestStack } from "./aws-test-stack";

const REPO = "example-org/mlops";
const OIDC = "token.actions.githubusercontent.com";
type Trust = { Statement: { Principal: { Federated: string }; Action: string; Condition: { StringEquals: Record<string, unknown> } }[] };

describe("AWS CiIdentity", () => {
  let json: StackJson;
  let shared: StackJson;
  let ci: CiIdentity;
  beforeAll(() => {
    const stack = awsTestStack();
    ci = new CiIdentity(stack, "ci", { naming: AWS_NAMING, accountId: ACCOUNT, repository: REPO, githubEnvironment: "test" });
    ci.allowPublish(["arn:aws:ecr:eu-central-1:111111111111:repository/mlops-test/receiver"]);
    json = synthStack(stack);
    const other = awsTestStack();
    new CiIdentity(other, "ci", { naming: AWS_NAMING, accountId: ACCOUNT, repository: REPO, githubEnvironment: "test", existingOidcProviderArn: "arn:aws:iam::111111111111:oidc-provider/existing" });
    shared = synthStack(other);
  });

  const trust = (name: string): Trust => JSON.parse(resources(json, "aws_iam_role").find((r) => r.name === `mlops-test-${name}`)!.assume_role_policy as string) as Trust;

  test("GIVEN no existing provider WHEN synthesized THEN GitHub's OIDC provider for sts.amazonaws.com and three roles, no access key", () => {
    expect(resources(json, "aws_iam_openid_connect_provider")).toEqual([expect.objectContaining({ url: `https://${OIDC}`, client_id_list: ["sts.amazonaws.com"] })]);
    expect(resources(json, "aws_iam_role").map((r) => r.name).sort()).toEqual(["mlops-test-developer", "mlops-test-infra-builder", "mlops-test-service-publisher"]);
    expect(resources(json, "aws_iam_access_key")).toEqual([]);
    expect(Object.keys(ci.loginIds).sort()).toEqual([...CI_PERSONAS].sort());
  });

  test.each([
    ["service-publisher", [`repo:${REPO}:ref:refs/heads/main`]],
    ["infra-builder", [`repo:${REPO}:environment:test`]],
    ["developer", [`repo:${REPO}:pull_request`]],
  ])("GIVEN the %s role THEN only these subjects of this repository may assume it, audience sts", (name, subjects) => {
    const [statement] = trust(name).Statement;
    expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
    expect(statement.Principal.Federated).toBe(`arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}`);
    expect(statement.Condition.StringEquals).toEqual({ [`${OIDC}:aud`]: "sts.amazonaws.com", [`${OIDC}:sub`]: subjects });
  });

  test("GIVEN the managed policies THEN only infra-builder holds one (admin); the developer has no ReadOnlyAccess over the account's data", () => {
    const attached = resources(json, "aws_iam_role_policy_attachment").map((a) => a.policy_arn).sort();
    expect(attached).toEqual(["arn:aws:iam::aws:policy/AdministratorAccess"]);
  });

  test("GIVEN allowPublish THEN the publisher may push only to the named repositories", () => {
    const inline = resources(json, "aws_iam_role_policy").map((p) => JSON.parse(p.policy as string).Statement as Record<string, unknown>[]);
    const push = inline.find((s) => s.some((x) => x.Action === "ecr:GetAuthorizationToken"))!;
    expect(push[1]).toMatchObject({ Resource: ["arn:aws:ecr:eu-central-1:111111111111:repository/mlops-test/receiver"], Action: expect.arrayContaining(["ecr:PutImage"]) });
  });

  test("GIVEN an existing OIDC provider THEN none is created and the roles trust the given one", () => {
    expect(resources(shared, "aws_iam_openid_connect_provider")).toEqual([]);
    const trusts = resources(shared, "aws_iam_role").map((r) => (JSON.parse(r.assume_role_policy as string) as Trust).Statement[0].Principal.Federated);
    expect(new Set(trusts)).toEqual(new Set(["arn:aws:iam::111111111111:oidc-provider/existing"]));
  });

  test.each(["example-org/*", "just-a-name", "a/b/c", ""])("GIVEN repository %p WHEN constructed THEN validation refuses it", (repository) => {
    expect(() => new CiIdentity(awsTestStack(), "ci", { naming: AWS_NAMING, accountId: ACCOUNT, repository, githubEnvironment: "test" })).toThrow(`repository must be owner/name with no wildcard; got ${JSON.stringify(repository)}`);
  });
});
