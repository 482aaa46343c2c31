import { PolicyRule } from "../rule";

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: { Service?: string | string[] };
}

const list = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
/** Actions that must name their resources: starting tasks, passing roles, writing objects. */
const SCOPED = ["ecs:RunTask", "ecs:StartTask", "iam:PassRole", "s3:PutObject", "s3:DeleteObject", "s3:GetObject"];

/**
 * A role MWAA assumes (trusted by `airflow-env.amazonaws.com`) holds no managed policies (its
 * inline policy says what the DAGs do) and never allows a service wildcard (`ecs:*`, `iam:*`),
 * `*`, or starting tasks, passing roles or touching objects on every resource.
 */
export const awsMwaaRoleScoped: PolicyRule = {
  id: "MLOPS-AWS-MWAA-ROLE-SCOPED",
  description: "MWAA execution roles have no managed policies and no wildcard actions; RunTask, PassRole and object access name their resources.",
  maps: ["cdk-nag AwsSolutions-IAM4", "AwsSolutions-IAM5", "Checkov CKV_AWS_274"],
  check(resource) {
    if (resource.type !== "aws_iam_role") return "not-applicable";
    const trust = resource.attributes.assume_role_policy;
    if (typeof trust !== "string" || !trust.includes("airflow-env.amazonaws.com")) return "not-applicable";
    const problems: string[] = [];
    for (const attachment of resource.related("aws_iam_role_policy_attachment")) problems.push(`managed policy ${String(attachment.attributes.policy_arn)} attached`);
    for (const inline of resource.related("aws_iam_role_policy")) {
      const text = inline.attributes.policy;
      if (typeof text !== "string") continue;
      const doc = JSON.parse(text) as { Statement?: Statement | Statement[] };
      const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
      for (const s of statements.filter((x) => x.Effect === "Allow")) {
        const actions = list(s.Action);
        const wild = actions.filter((x) => x === "*" || x.endsWith(":*"));
        if (wild.length > 0) problems.push(`allows ${wild.join(", ")}`);
        const unscoped = actions.filter((x) => SCOPED.includes(x));
        if (unscoped.length > 0 && list(s.Resource).some((r) => r === "*" || r.endsWith(":*:*") || r === "arn:aws:s3:::*")) {
          problems.push(`${unscoped.join(", ")} on every resource`);
        }
      }
    }
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
