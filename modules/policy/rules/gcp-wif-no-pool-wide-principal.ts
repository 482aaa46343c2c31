import { PolicyRule } from "../rule";

/** Roles that let the holder act as a service account. */
const IMPERSONATION_ROLES = ["roles/iam.workloadIdentityUser", "roles/iam.serviceAccountTokenCreator", "roles/iam.serviceAccountUser"];
const SA_IAM = /^google_service_account_iam_(member|binding)$/;
const PROJECT_IAM = /^google_project_iam_(member|binding)$/;
/** A principal set of every identity in a pool: `principalSet://.../workloadIdentityPools/<pool>/*`. */
const WHOLE_POOL = /^principalSet:\/\/iam\.googleapis\.com\/.*\/workloadIdentityPools\/[^/]+\/\*$/;
const FEDERATED = /^principal(Set)?:\/\/iam\.googleapis\.com\/.*\/workloadIdentityPools\//;

/**
 * Federated identities impersonate one service account each, chosen by their exact subject or
 * attribute: a binding to the whole pool lets any token the provider admits (every branch, every
 * pull request, every workflow) act as the account, and a project-level impersonation role lets a
 * federated identity act as every account of the project.
 */
export const gcpWifNoPoolWidePrincipal: PolicyRule = {
  id: "MLOPS-GCP-WIF-NO-POOL-WIDE-PRINCIPAL",
  description: "Service account impersonation is never granted to a whole workload identity pool, nor to federated identities at project level.",
  maps: ["no direct Checkov id (nearest: Checkov CKV_GCP_49, impersonation roles at project level)"],
  check(resource) {
    const a = resource.attributes;
    const project = PROJECT_IAM.test(resource.type);
    if (!SA_IAM.test(resource.type) && !project) return "not-applicable";
    if (!IMPERSONATION_ROLES.includes(String(a.role))) return "compliant";
    const members = [a.member, ...(Array.isArray(a.members) ? a.members : [])].filter((m): m is string => typeof m === "string");
    const wholePool = members.filter((m) => WHOLE_POOL.test(m));
    if (wholePool.length > 0) return { status: "non-compliant", detail: `${String(a.role)} granted to every identity of the pool: ${wholePool.join(", ")}` };
    const federated = project ? members.filter((m) => FEDERATED.test(m)) : [];
    if (federated.length > 0) return { status: "non-compliant", detail: `${String(a.role)} at project level for federated ${federated.join(", ")}: grant it on one service account` };
    return "compliant";
  },
};
