/** The contract every policy rule implements: a pure function of one resource. */

/** A resource as rules see it: Terraform type, construct path, and its attributes with references resolved to `${...}` strings. */
export interface ResourceView {
  readonly type: string;
  readonly path: string;
  /** Terraform address, `aws_s3_bucket.storage_raw_1A2B3C4D`. */
  readonly address: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** True when the resource type carries tags (AWS, Azure) or labels (Google). */
  readonly taggable: boolean;
  /** Where its tags live: `["tags"]`, `["labels"]`, or a type's own place like `["settings", "user_labels"]`. */
  readonly tagPath: readonly string[];
  /** Tags the provider adds to every resource (AWS `default_tags`, Google `default_labels`). */
  readonly inheritedTags: Readonly<Record<string, string>>;
  /**
   * Resources of `type` in the same stack that reference this one (`${<address>.…}`): the
   * companions split-resource providers need (a bucket's encryption, versioning, policy).
   */
  related(type: string): ResourceView[];
}

/** What the environment asks of every resource. */
export interface RuleContext {
  readonly requiredTags: Readonly<Record<string, string>>;
}

export type RuleStatus = "compliant" | "non-compliant" | "not-applicable";

/** A non-compliant result may say which attribute and why. */
export type RuleResult = RuleStatus | { readonly status: "non-compliant"; readonly detail: string };

/**
 * The independent scanners' checks a rule is the exact counterpart of: when the rule is suppressed
 * (an accepted risk), these are the ids the scanner would report, and the ones the generated skip list
 * names. Only exact counterparts go here; analogues and near misses stay in `maps`.
 */
export interface ScannerIds {
  /** Checkov check ids: `CKV_AWS_144`, `CKV2_AZURE_1`. */
  readonly checkov?: readonly string[];
  /** Trivy (formerly tfsec) AVD ids: `AVD-AWS-0089`. */
  readonly trivy?: readonly string[];
}

export interface PolicyRule {
  /** Stable id, like `MLOPS-LOG-RETENTION`; suppressions name it. */
  readonly id: string;
  readonly description: string;
  /** The scanner checks this rule corresponds to, in words (analogues included), so users can map our findings. */
  readonly maps?: readonly string[];
  /** The scanner ids this rule is the exact counterpart of (accepted risks and skip lists use these). */
  readonly scanners?: ScannerIds;
  check(resource: ResourceView, context: RuleContext): RuleResult;
}

export type PolicyLevel = "error" | "warning";

/** A rule as a pack uses it. */
export interface PackEntry {
  readonly rule: PolicyRule;
  readonly level: PolicyLevel;
}

/** A valid scanner id: Checkov `CKV_AWS_1`, `CKV2_GCP_18`; Trivy `AVD-AWS-0089`. */
export const SCANNER_ID_PATTERNS = { checkov: /^CKV2?_[A-Z0-9]+_\d+$/, trivy: /^AVD-[A-Z0-9]+-\d{4}$/ } as const;

/** True when a string is still an unresolved Terraform expression: rules cannot judge it at synth. */
export function isExpression(value: unknown): boolean {
  return typeof value === "string" && value.includes("${");
}

/** Reads a nested attribute; Terraform JSON blocks may be objects or one-element lists. */
export function attr(attributes: Readonly<Record<string, unknown>>, ...path: string[]): unknown {
  let here: unknown = attributes;
  for (const key of path) {
    if (Array.isArray(here)) here = here[0];
    if (here === null || typeof here !== "object") return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return Array.isArray(here) && here.length === 1 && typeof here[0] === "object" ? here[0] : here;
}
