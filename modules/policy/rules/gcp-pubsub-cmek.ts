import { isSet, resourceCheck } from "./private/resource-check";

/** A Pub/Sub topic encrypts its messages with a customer-managed key. */
export const gcpPubsubCmek = resourceCheck({
  id: "MLOPS-GCP-PUBSUB-CMEK",
  description: "A Pub/Sub topic sets kms_key_name.",
  scanners: { checkov: ["CKV_GCP_83"] },
  types: ["google_pubsub_topic"],
  problem: (r) => (isSet(r.attributes.kms_key_name) ? undefined : "no kms_key_name"),
});
