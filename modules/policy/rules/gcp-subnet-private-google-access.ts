import { PolicyRule } from "../rule";

/** Workloads without public addresses still reach Google APIs, without NAT. */
export const gcpSubnetPrivateGoogleAccess: PolicyRule = {
  id: "MLOPS-GCP-SUBNET-PRIVATE-GOOGLE-ACCESS",
  description: "Subnets have Private Google Access on.",
  maps: ["Checkov CKV_GCP_74"],
  check(resource) {
    if (resource.type !== "google_compute_subnetwork") return "not-applicable";
    return resource.attributes.private_ip_google_access === true ? "compliant" : { status: "non-compliant", detail: "private_ip_google_access is not true" };
  },
};
