import { PolicyRule } from "../rule";

/** Every VPC records its traffic (terraform-aws-vpc leaves flow logs off by default; we do not). */
export const awsVpcFlowLogs: PolicyRule = {
  id: "MLOPS-AWS-VPC-FLOW-LOGS",
  description: "Every VPC has a flow log.",
  maps: ["Checkov CKV2_AWS_11", "cdk-nag AwsSolutions-VPC7"],
  scanners: { checkov: ["CKV2_AWS_11"], trivy: ["AVD-AWS-0178"] },
  check(resource) {
    if (resource.type !== "aws_vpc") return "not-applicable";
    return resource.related("aws_flow_log").length > 0 ? "compliant" : { status: "non-compliant", detail: "no aws_flow_log references this VPC" };
  },
};
