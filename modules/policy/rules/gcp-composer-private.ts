import { attr, isExpression, PolicyRule } from "../rule";

/**
 * A Cloud Composer environment is a private Composer 3 environment (`enable_private_environment`:
 * no public IPs on Airflow's components) and runs as a service account of its own, never the
 * default Compute Engine account (which holds Editor on the project in most projects).
 */
export const gcpComposerPrivate: PolicyRule = {
  id: "MLOPS-GCP-COMPOSER-PRIVATE",
  description: "Composer environments are private Composer 3 environments with a dedicated service account.",
  // Checkov has no Composer check; its closest are the private-GKE checks that applied to Composer 1/2 clusters.
  maps: ["Checkov CKV_GCP_25 (private GKE nodes, Composer 1/2 analogue)"],
  check(resource) {
    if (resource.type !== "google_composer_environment") return "not-applicable";
    const a = resource.attributes;
    const problems: string[] = [];
    const image = attr(a, "config", "software_config", "image_version");
    if (typeof image !== "string" || !image.startsWith("composer-3")) problems.push(`image_version ${JSON.stringify(image ?? "unset")} is not Composer 3`);
    if (attr(a, "config", "enable_private_environment") !== true) problems.push("enable_private_environment is not true");
    const account = attr(a, "config", "node_config", "service_account");
    if (account === undefined || (typeof account === "string" && !isExpression(account) && account.includes("-compute@developer.gserviceaccount.com"))) {
      problems.push("runs as the default Compute Engine service account");
    }
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
