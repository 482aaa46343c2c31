import { PolicyRule } from "../rule";

const ACCOUNT_WIDE = ["arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess"];

/** Only the infra-builder role (deploys through a reviewed GitHub environment) may hold account-wide admin. */
export const awsAdminOnlyBuilder: PolicyRule = {
  id: "MLOPS-AWS-ADMIN-ONLY-BUILDER",
  description: "No role other than infra-builder has account-wide administrator policies attached.",
  maps: ["cdk-nag AwsSolutions-IAM4", "Checkov CKV_AWS_274"],
  check(resource) {
    if (resource.type !== "aws_iam_role_policy_attachment") return "not-applicable";
    const arn = String(resource.attributes.policy_arn);
    if (!ACCOUNT_WIDE.includes(arn)) return "compliant";
    return String(resource.attributes.role).includes("infra-builder")
      ? "compliant"
      : { status: "non-compliant", detail: `${arn.split("/").pop()} attached to ${String(resource.attributes.role)}` };
  },
};
