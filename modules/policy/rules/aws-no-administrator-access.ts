import { resourceCheck } from "./private/resource-check";

const ADMIN = /:policy\/AdministratorAccess$/;

/** No role gets the AdministratorAccess managed policy (`aws-admin-only-builder` limits where it may go; this names every use). */
export const awsNoAdministratorAccess = resourceCheck({
  id: "MLOPS-AWS-NO-ADMINISTRATOR-ACCESS",
  description: "No IAM role has the AdministratorAccess managed policy.",
  scanners: { checkov: ["CKV_AWS_274"] },
  maps: ["Checkov CKV_AWS_274", "cdk-nag AwsSolutions-IAM4"],
  types: ["aws_iam_role_policy_attachment", "aws_iam_role"],
  problem: (r) => {
    const arns = r.type === "aws_iam_role" ? ((r.attributes.managed_policy_arns as unknown[] | undefined) ?? []) : [r.attributes.policy_arn];
    return arns.some((a) => typeof a === "string" && ADMIN.test(a)) ? "attaches arn:aws:iam::aws:policy/AdministratorAccess" : undefined;
  },
});
