import { PolicyRule, ResourceView } from "../rule";

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const statementsOf = (policy: unknown): Statement[] => {
  if (typeof policy !== "string" || policy.includes("${")) return [];
  const doc = JSON.parse(policy) as { Statement?: Statement | Statement[] };
  return Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
};

/** Actions that return data (objects, secret values, key plaintext, images) rather than configuration. */
const DATA_ACTION = /^(\*|s3:\*|s3:Get\*|s3:GetObject.*|kms:\*|kms:Decrypt|secretsmanager:\*|secretsmanager:GetSecretValue|ecr:\*|ecr:BatchGetImage)$/i;

/** The explicit Deny guards a pull-request role must carry, each as [action, must be scoped by NotResource]. */
const REQUIRED_DENIES: ReadonlyArray<readonly [string, boolean]> = [
  ["s3:GetObject*", true],
  ["kms:Decrypt", true],
  ["secretsmanager:GetSecretValue", false],
];

/**
 * A role GitHub pull requests may assume plans only: a pull request's workflow is the branch's own
 * file, so anyone who can push a branch acts with this role. It carries no AWS managed policy (even
 * ReadOnlyAccess reads every object and secret), allows no data read except through the explicit
 * Deny guard (data objects outside the state, keys other than the state's, secret values).
 */
export const awsPullRequestRoleNoData: PolicyRule = {
  id: "MLOPS-AWS-PR-ROLE-NO-DATA",
  description: "A role trusted by GitHub pull_request reads state and descriptions only: no managed policy, data reads denied explicitly.",
  maps: ["issue 16 item 4 (review of the AWS plan; no scanner counterpart)"],
  check(resource) {
    if (resource.type !== "aws_iam_role") return "not-applicable";
    const trustsPullRequests = statementsOf(resource.attributes.assume_role_policy).some((s) =>
      Object.values(s.Condition ?? {}).some((c) => list(c["token.actions.githubusercontent.com:sub"]).some((sub) => sub.endsWith(":pull_request"))),
    );
    if (!trustsPullRequests) return "not-applicable";
    const own = (r: ResourceView) => String(r.attributes.role ?? "").includes(`\${${resource.address}.`);
    const managed = resource.related("aws_iam_role_policy_attachment").filter(own);
    if (managed.length > 0) return { status: "non-compliant", detail: `managed policy ${String(managed[0].attributes.policy_arn)} attached` };
    const statements = resource.related("aws_iam_role_policy").filter(own).flatMap((p) => statementsOf(p.attributes.policy));
    const broad = statements.find((s) => s.Effect === "Allow" && list(s.Action).some((a) => DATA_ACTION.test(a)) && list(s.Resource).some((r) => r === "*" || r.endsWith(":*") || r === "arn:aws:s3:::*/*"));
    if (broad) return { status: "non-compliant", detail: `allows ${list(broad.Action).join(", ")} on ${list(broad.Resource).join(", ")}` };
    for (const [action, scoped] of REQUIRED_DENIES) {
      const guard = statements.find((s) => s.Effect === "Deny" && list(s.Action).includes(action) && (scoped ? list(s.NotResource).length > 0 : list(s.Resource).includes("*")));
      if (!guard) return { status: "non-compliant", detail: `no explicit Deny of ${action}${scoped ? " outside the state" : ""}` };
    }
    return "compliant";
  },
};
