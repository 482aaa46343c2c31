import { PolicyRule, attr } from "../rule";

/** A tag always names the same image, and old images are cleaned up. */
export const gcpRegistryImmutable: PolicyRule = {
  id: "MLOPS-GCP-REGISTRY-IMMUTABLE",
  description: "Artifact Registry Docker repositories have immutable tags and cleanup policies.",
  // Checkov has no GCP check for this; the AWS ones are the same idea.
  maps: ["Checkov CKV_AWS_51 (analogue)", "Checkov CKV_AWS_163 (analogue: lifecycle)"],
  check(resource) {
    if (resource.type !== "google_artifact_registry_repository" || resource.attributes.format !== "DOCKER") return "not-applicable";
    const problems: string[] = [];
    if (attr(resource.attributes, "docker_config", "immutable_tags") !== true) problems.push("docker_config.immutable_tags is not true");
    const policies = resource.attributes.cleanup_policies;
    if (!Array.isArray(policies) || policies.length === 0) problems.push("no cleanup_policies");
    return problems.length === 0 ? "compliant" : { status: "non-compliant", detail: problems.join("; ") };
  },
};
