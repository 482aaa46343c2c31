import { isExpression, PolicyRule } from "../rule";

const PROJECT_IAM = /^google_project_iam_(member|binding)$/;
/** Basic owner/editor and any admin role, predefined or custom. */
const ADMIN_ROLE = /^roles\/(owner|editor)$|admin$/i;
/**
 * The CI builder account (modules/gcp/ci-identity.ts): `<prefix>-<env>-builder`, possibly with a
 * hash before the suffix when shortened; group 1 is its project.
 */
const BUILDER = /^serviceAccount:[a-z][a-z0-9-]*-builder@([a-z0-9-]+)\.iam\.gserviceaccount\.com$/;
/** Any CI account (modules/gcp/ci-identity.ts): none needs a basic role, whose reach (data included) grows with Google's catalog. */
const CI_ACCOUNT = /^serviceAccount:[a-z][a-z0-9-]*-(publisher|builder|developer)@[a-z0-9-]+\.iam\.gserviceaccount\.com$/;

/** Only the infra builder (impersonated from the deploy jobs of one GitHub environment) may administer the project. */
export const gcpCiAdminOnlyBuilder: PolicyRule = {
  id: "MLOPS-GCP-ADMIN-ONLY-BUILDER",
  description:
    "No member other than the CI builder service account holds roles/owner, roles/editor or an *Admin role on the project, and no CI account holds roles/viewer (the pull-request identity gets a plan-reader custom role).",
  maps: ["Checkov CKV_GCP_42", "Checkov CKV_GCP_117"],
  check(resource) {
    if (!PROJECT_IAM.test(resource.type)) return "not-applicable";
    const a = resource.attributes;
    const role = String(a.role);
    const members = [a.member, ...(Array.isArray(a.members) ? a.members : [])].filter((m): m is string => typeof m === "string");
    if (role === "roles/viewer") {
      const ci = members.filter((m) => CI_ACCOUNT.test(m));
      return ci.length === 0 ? "compliant" : { status: "non-compliant", detail: `${role} granted to ${ci.join(", ")}: a basic role reads more than a plan needs` };
    }
    if (!ADMIN_ROLE.test(role)) return "compliant";
    // An expression (`${google_service_account.x.email}`) cannot be told apart: the builder is granted by literal email.
    // The builder of this project: another project's builder has no business administering it.
    const project = typeof a.project === "string" && !isExpression(a.project) ? a.project : undefined;
    const others = members.filter((m) => {
      const match = BUILDER.exec(m);
      return !match || (project !== undefined && match[1] !== project);
    });
    return others.length === 0 ? "compliant" : { status: "non-compliant", detail: `${role} granted to ${others.join(", ")}` };
  },
};
