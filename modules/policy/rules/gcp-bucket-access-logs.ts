import { attr } from "../rule";
import { isSet, resourceCheck } from "./private/resource-check";

/** A bucket writes usage logs to a log bucket. */
export const gcpBucketAccessLogs = resourceCheck({
  id: "MLOPS-GCP-BUCKET-ACCESS-LOGS",
  description: "A Cloud Storage bucket sets logging.log_bucket.",
  scanners: { checkov: ["CKV_GCP_62"], trivy: ["AVD-GCP-0077"] },
  types: ["google_storage_bucket"],
  problem: (r) => (isSet(attr(r.attributes, "logging", "log_bucket")) ? undefined : "no logging.log_bucket"),
});
