import { PolicyRule, attr } from "../rule";

/** Every taggable resource carries the environment's tags, from itself or the provider's defaults. */
export const requiredTags: PolicyRule = {
  id: "MLOPS-REQUIRED-TAGS",
  description: "Every taggable resource carries the environment's tags (cost allocation, ownership, cleanup).",
  check(resource, context) {
    if (!resource.taggable) return "not-applicable";
    const own = attr(resource.attributes, ...resource.tagPath);
    if (typeof own === "string") return "compliant"; // an expression (merge(...)): judged by terraform, not here
    const tags = { ...resource.inheritedTags, ...((own as Record<string, string> | undefined) ?? {}) };
    const missing = Object.entries(context.requiredTags)
      .filter(([k, v]) => tags[k] !== v)
      .map(([k]) => k);
    if (missing.length === 0) return "compliant";
    return { status: "non-compliant", detail: `missing or different tags: ${missing.join(", ")}` };
  },
};
