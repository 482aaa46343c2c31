import { PolicyRule } from "../rule";

/** Flow logs on every subnet (the Google network module leaves them off; turning them off needs a suppression with a reason). */
export const gcpSubnetFlowLogs: PolicyRule = {
  id: "MLOPS-GCP-SUBNET-FLOW-LOGS",
  description: "Subnets record VPC flow logs.",
  maps: ["Checkov CKV_GCP_26", "cdk-nag AwsSolutions-VPC7 (analogue)"],
  scanners: { checkov: ["CKV_GCP_26"], trivy: ["AVD-GCP-0029"] },
  check(resource) {
    if (resource.type !== "google_compute_subnetwork") return "not-applicable";
    const log = resource.attributes.log_config;
    return log && typeof log === "object" ? "compliant" : { status: "non-compliant", detail: "log_config is not set (no flow logs)" };
  },
};
