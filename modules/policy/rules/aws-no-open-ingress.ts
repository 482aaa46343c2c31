import { PolicyRule } from "../rule";

const OPEN = ["0.0.0.0/0", "::/0"];

/**
 * No security group admits the whole internet. The platform's public edge is API Gateway, which
 * has no security group; anything else open must be suppressed with a reason.
 */
export const awsNoOpenIngress: PolicyRule = {
  id: "MLOPS-AWS-NO-OPEN-INGRESS",
  description: "Security groups do not allow ingress from 0.0.0.0/0 or ::/0.",
  maps: ["cdk-nag AwsSolutions-EC23", "Checkov CKV_AWS_24", "CKV_AWS_260"],
  check(resource) {
    const a = resource.attributes;
    switch (resource.type) {
      case "aws_vpc_security_group_ingress_rule":
        return OPEN.includes(String(a.cidr_ipv4)) || OPEN.includes(String(a.cidr_ipv6)) ? { status: "non-compliant", detail: "open to the internet" } : "compliant";
      case "aws_security_group_rule":
        if (a.type !== "ingress") return "not-applicable";
        return openIn(a) ? { status: "non-compliant", detail: "open to the internet" } : "compliant";
      case "aws_security_group": {
        const rules = Array.isArray(a.ingress) ? (a.ingress as Record<string, unknown>[]) : [];
        return rules.some(openIn) ? { status: "non-compliant", detail: "an inline ingress rule is open to the internet" } : "compliant";
      }
      default:
        return "not-applicable";
    }
  },
};

function openIn(rule: Record<string, unknown>): boolean {
  const cidrs = [...((rule.cidr_blocks as string[] | undefined) ?? []), ...((rule.ipv6_cidr_blocks as string[] | undefined) ?? [])];
  return cidrs.some((c) => OPEN.includes(c));
}
