import { attr } from "../rule";
import { resourceCheck } from "./private/resource-check";

/** True for a firewall that denies every protocol inbound from anywhere. */
function deniesAllIngress(attributes: Readonly<Record<string, unknown>>): boolean {
  const deny = attributes.deny;
  const protocols = (Array.isArray(deny) ? deny : deny ? [deny] : []).map((d: { protocol?: unknown }) => d.protocol);
  const sources = attributes.source_ranges;
  return (
    (attributes.direction ?? "INGRESS") === "INGRESS" &&
    protocols.includes("all") &&
    Array.isArray(sources) &&
    sources.includes("0.0.0.0/0") &&
    attributes.disabled !== true &&
    attr(attributes, "log_config", "metadata") !== undefined
  );
}

/** A VPC defines its own firewall: an explicit, logged deny-all ingress rule (not only Google's implied one). */
export const gcpNetworkDefaultDeny = resourceCheck({
  id: "MLOPS-GCP-NETWORK-DEFAULT-DENY",
  description: "A google_compute_network has a google_compute_firewall that denies all ingress from 0.0.0.0/0, with logging.",
  scanners: { checkov: ["CKV2_GCP_18"] },
  types: ["google_compute_network"],
  problem: (r) => {
    const own = r.related("google_compute_firewall").filter((f) => String(f.attributes.network ?? "").includes(`\${${r.address}.`));
    if (own.length === 0) return "no firewall rule is attached to the network";
    return own.some((f) => deniesAllIngress(f.attributes)) ? undefined : "no logged deny-all ingress rule from 0.0.0.0/0";
  },
});
