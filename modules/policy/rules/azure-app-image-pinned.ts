import { isExpression, PolicyRule } from "../rule";

const TYPES = ["azurerm_container_app", "azurerm_container_app_job"];

/** Images of every container, init container included, in a container app or job. */
function images(attributes: Readonly<Record<string, unknown>>): string[] {
  const template = attributes.template;
  const t = (Array.isArray(template) ? template[0] : template) as Record<string, unknown> | undefined;
  if (!t) return [];
  const containers = [...((t.container as Record<string, unknown>[] | undefined) ?? []), ...((t.init_container as Record<string, unknown>[] | undefined) ?? [])];
  return containers.map((c) => c.image).filter((i): i is string => typeof i === "string");
}

/**
 * A container app or job runs images from outside the platform's registry (Docker Hub's
 * apache/airflow, say) only pinned by digest: a tag on a public registry can be moved to other
 * content by whoever controls it. Images from an Azure Container Registry are left to the
 * registry's own rules (immutable tags, MLOPS-AZURE-ACR-*); Terraform expressions are not judged.
 */
export const azureAppImagePinned: PolicyRule = {
  id: "MLOPS-AZURE-APP-IMAGE-PINNED",
  description: "Container apps and jobs pin images from registries other than ACR by digest (@sha256:...).",
  maps: ["Checkov CKV_K8S_43 (image by digest, the Kubernetes analogue)"],
  check(resource) {
    if (!TYPES.includes(resource.type)) return "not-applicable";
    const loose = images(resource.attributes).filter((image) => {
      if (isExpression(image)) return false;
      const host = image.split("/")[0];
      if (host.endsWith(".azurecr.io")) return false;
      return !/@sha256:[0-9a-f]{64}$/.test(image);
    });
    return loose.length === 0 ? "compliant" : { status: "non-compliant", detail: `not pinned by digest: ${loose.join(", ")}` };
  },
};
