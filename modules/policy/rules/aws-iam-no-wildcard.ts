import { PolicyRule } from "../rule";

const POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

/** No inline or managed policy we write allows every action on every resource. */
export const awsIamNoWildcard: PolicyRule = {
  id: "MLOPS-AWS-IAM-NO-WILDCARD",
  description: 'IAM policies never allow Action "*" on Resource "*".',
  maps: ["cdk-nag AwsSolutions-IAM5", "Checkov CKV_AWS_62", "CKV_AWS_290"],
  check(resource) {
    if (!POLICY_TYPES.includes(resource.type)) return "not-applicable";
    const text = resource.attributes.policy;
    if (typeof text !== "string") return "compliant";
    const doc = JSON.parse(text) as { Statement?: Statement | Statement[] };
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    const list = (v: string | string[] | undefined) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const bad = statements.find((s) => s.Effect === "Allow" && list(s.Action).includes("*") && list(s.Resource).includes("*"));
    return bad ? { status: "non-compliant", detail: 'a statement allows "*" on "*"' } : "compliant";
  },
};
