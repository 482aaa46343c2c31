/**
 * Google labels from the platform's tags. Google accepts lowercase keys and values of letters,
 * digits, `_` and `-` only (keys start with a letter, both at most 63 characters). We validate
 * rather than sanitize: the policy engine compares labels with platformTags() verbatim, so a
 * silently rewritten value would fail MLOPS-REQUIRED-TAGS later with a less helpful message.
 */
import { IConstruct } from "constructs";
import type { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ValidationError } from "../core/errors";

const LABEL_KEY = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

/** Returns the tags as Google labels, or throws naming every tag Google would refuse. */
export function googleLabels(tags: Readonly<Record<string, string>>, scope: IConstruct): Record<string, string> {
  const bad = Object.entries(tags).filter(([k, v]) => !LABEL_KEY.test(k) || !LABEL_VALUE.test(v));
  if (bad.length > 0) {
    const list = bad.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
    throw new ValidationError(
      `tags must be valid Google labels (lowercase letters, digits, _ and -, at most 63 characters); got ${list}. Change the environment's tags to lowercase values`,
      scope,
    );
  }
  return { ...tags };
}

/**
 * Tags every resource of the stack: Google labels as the provider's default labels (set as an
 * override: the binding would snake-case the map keys, cost-center -> cost_center). Returns the labels.
 */
export function applyTags(provider: GoogleProvider, tags: Readonly<Record<string, string>>): Record<string, string> {
  const labels = googleLabels(tags, provider);
  provider.addOverride("default_labels", labels);
  return labels;
}
