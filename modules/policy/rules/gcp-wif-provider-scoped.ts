import { attr, isExpression, PolicyRule } from "../rule";

const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** `assertion.repository == "owner/name"` (or `attribute.repository`, single or double quotes) as a whole conjunct. */
const EXACT_REPOSITORY = /^\(*\s*(?:assertion|attribute)\.repository\s*==\s*(["'])([^"']*)\1\s*\)*$/;
const OWNER_NAME = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Splits a CEL expression on `&&` outside parentheses and string literals. */
export function topLevelConjuncts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && expression.startsWith("&&", i)) {
      parts.push(expression.slice(start, i).trim());
      start = i + 2;
      i++;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** Strips one pair of parentheses around the whole expression when they match each other. */
function unwrap(expression: string): string {
  const e = expression.trim();
  if (!e.startsWith("(") || !e.endsWith(")")) return e;
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    if (e[i] === "(") depth++;
    else if (e[i] === ")") depth--;
    if (depth === 0 && i < e.length - 1) return e;
  }
  return unwrap(e.slice(1, -1));
}

/**
 * A workload identity pool provider admits only tokens it can tie to one source. For GitHub's
 * issuer the attribute condition must require, as a top-level `&&` term, that the repository equals
 * one `owner/name` exactly: an owner-only, prefix, `matches` or `||`-widened condition lets every
 * repository of the organisation (or of GitHub) in. Other issuers need some condition at all.
 */
export const gcpWifProviderScoped: PolicyRule = {
  id: "MLOPS-GCP-WIF-PROVIDER-SCOPED",
  description: "Workload identity pool providers have an attribute_condition; GitHub ones name exactly one repository, with no wildcard.",
  maps: ["Checkov CKV_GCP_118", "Checkov CKV_GCP_125"],
  check(resource) {
    if (resource.type !== "google_iam_workload_identity_pool_provider") return "not-applicable";
    const condition = resource.attributes.attribute_condition;
    if (typeof condition !== "string" || condition.trim() === "") {
      return { status: "non-compliant", detail: "no attribute_condition: any identity of the issuer may use the pool" };
    }
    if (isExpression(condition)) return "compliant";
    if (attr(resource.attributes, "oidc", "issuer_uri") !== GITHUB_ISSUER) return "compliant";
    const repositories = topLevelConjuncts(unwrap(condition)).flatMap((c) => {
      const m = EXACT_REPOSITORY.exec(unwrap(c));
      return m ? [m[2]] : [];
    });
    if (repositories.length === 0) {
      return { status: "non-compliant", detail: `attribute_condition ${JSON.stringify(condition)} does not require assertion.repository == "<owner>/<name>" (as a top-level && term)` };
    }
    const bad = repositories.filter((r) => !OWNER_NAME.test(r));
    if (bad.length > 0) return { status: "non-compliant", detail: `repository ${JSON.stringify(bad[0])} is not one exact owner/name (wildcards are not allowed)` };
    if (new Set(repositories).size > 1) return { status: "non-compliant", detail: `attribute_condition names several repositories: ${repositories.join(", ")}` };
    return "compliant";
  },
};
