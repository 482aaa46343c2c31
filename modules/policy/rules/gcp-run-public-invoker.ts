import { PolicyRule } from "../rule";

const PUBLIC = ["allUsers", "allAuthenticatedUsers"];
const RUN_IAM = /^google_cloud_run_v2_(service|job)_iam_(member|binding)$/;
// Only INTERNAL_ONLY keeps callers inside the VPC: INTERNAL_LOAD_BALANCER also admits external
// Application Load Balancers, so a service behind one with the IAM check off is open to the internet.
const INTERNAL = ["INGRESS_TRAFFIC_INTERNAL_ONLY"];

/**
 * Anonymous invocation only where the service catalog says so. The CloudRun construct grants
 * `allUsers` only for a public spec with auth "none" and suppresses this rule there with the reason,
 * so every anonymous endpoint is listed in the synth summary. Disabling the invoker IAM check is
 * the same thing unless ingress is INGRESS_TRAFFIC_INTERNAL_ONLY (the VPC only).
 */
export const gcpRunPublicInvoker: PolicyRule = {
  id: "MLOPS-GCP-RUN-PUBLIC-INVOKER",
  description: "Cloud Run services and jobs are not invokable by allUsers/allAuthenticatedUsers, and skip the IAM check only with internal-only ingress.",
  maps: ["Checkov CKV_GCP_102"],
  scanners: { checkov: ["CKV_GCP_102"] },
  check(resource) {
    const a = resource.attributes;
    if (RUN_IAM.test(resource.type)) {
      const members = [a.member, ...(Array.isArray(a.members) ? a.members : [])].filter((m): m is string => typeof m === "string");
      const bad = members.filter((m) => PUBLIC.includes(m));
      return bad.length === 0 ? "compliant" : { status: "non-compliant", detail: `${String(a.role)} granted to ${bad.join(", ")}` };
    }
    if (resource.type === "google_cloud_run_v2_service") {
      if (a.invoker_iam_disabled !== true) return "compliant";
      return INTERNAL.includes(String(a.ingress))
        ? "compliant"
        : { status: "non-compliant", detail: `invoker_iam_disabled with ingress ${JSON.stringify(a.ingress ?? "INGRESS_TRAFFIC_ALL")}: anyone on the internet may call it` };
    }
    return "not-applicable";
  },
};
