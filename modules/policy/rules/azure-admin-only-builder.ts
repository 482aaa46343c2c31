import { PolicyRule, attr, isExpression } from "../rule";

/** Built-in roles that can change anything or grant access to anything. */
const PRIVILEGED_ROLES = ["Owner", "Contributor", "User Access Administrator"];
/** Their role definition GUIDs, for assignments that use `role_definition_id` (plus RBAC Administrator). */
const PRIVILEGED_ROLE_IDS = [
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", // Owner
  "b24988ac-6180-42a0-ab88-20f7382dd24c", // Contributor
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", // User Access Administrator
  "f58310d9-a9f6-439a-9e8d-f62e7b41a168", // Role Based Access Control Administrator
];
/**
 * The builder: a principal id that is the `principal_id` of a user-assigned identity whose Terraform
 * address contains "builder" (`CiIdentity`'s child `builder`, address `…ci_builder_…`), the way the
 * AWS rule recognises "infra-builder". Literal GUIDs and other expressions are never the builder.
 */
const BUILDER_PRINCIPAL = /^\$\{azurerm_user_assigned_identity\.[A-Za-z0-9_-]*builder[A-Za-z0-9_-]*\.principal_id\}$/;

/** Subscription, management group or root: the scopes where a privileged role is account-wide. */
function isBroadScope(scope: unknown): boolean {
  if (typeof scope !== "string") return false;
  if (isExpression(scope)) return /\$\{data\.azurerm_(subscription|management_group)\.[^.}]+\.id\}/.test(scope) || /^\/subscriptions\/\$\{[^}]+\}\/?$/.test(scope);
  return scope === "/" || /^\/subscriptions\/[^/]+\/?$/i.test(scope) || /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+\/?$/i.test(scope);
}

function privilegedRole(attributes: Readonly<Record<string, unknown>>): string | undefined {
  const name = attributes.role_definition_name;
  if (typeof name === "string" && (PRIVILEGED_ROLES.includes(name) || name.includes("Administrator"))) return name;
  const id = attributes.role_definition_id;
  if (typeof id === "string") {
    const guid = id.split("/").pop()?.toLowerCase();
    if (guid && PRIVILEGED_ROLE_IDS.includes(guid)) return id;
  }
  return undefined;
}

/**
 * Only the builder identity (deploys through the reviewed GitHub environment) holds Owner,
 * Contributor, User Access Administrator or any "…Administrator" role at subscription scope or above.
 * A custom role granting `*` over a subscription is non-compliant for anyone (Checkov CKV_AZURE_39):
 * it would be Owner under another name. Narrower scopes (a resource group, one resource) are not this
 * rule's business. The builder is recognised by name (see BUILDER_PRINCIPAL): the rule catches
 * mistakes; review guards against an identity named "builder" on purpose.
 */
export const azureAdminOnlyBuilder: PolicyRule = {
  id: "MLOPS-AZURE-ADMIN-ONLY-BUILDER",
  description: "No principal other than the CI builder identity holds Owner, Contributor or an administrator role at subscription scope; no custom owner roles.",
  maps: ["Checkov CKV_AZURE_39 (custom subscription owner roles)", "AWS analogue: cdk-nag AwsSolutions-IAM4, Checkov CKV_AWS_274"],
  check(resource) {
    const a = resource.attributes;
    if (resource.type === "azurerm_role_definition") {
      const actions = attr(a, "permissions", "actions");
      const wildcard = Array.isArray(actions) && actions.some((x) => x === "*" || x === "*:*");
      if (!wildcard) return "compliant";
      const scopes = [a.scope, ...(Array.isArray(a.assignable_scopes) ? a.assignable_scopes : [])];
      return scopes.some(isBroadScope)
        ? { status: "non-compliant", detail: `custom role ${JSON.stringify(a.name)} allows "*" at subscription scope (a custom owner role)` }
        : "compliant";
    }
    if (resource.type !== "azurerm_role_assignment") return "not-applicable";
    const role = privilegedRole(a);
    if (role === undefined || !isBroadScope(a.scope)) return "compliant";
    return typeof a.principal_id === "string" && BUILDER_PRINCIPAL.test(a.principal_id)
      ? "compliant"
      : { status: "non-compliant", detail: `${role} at ${String(a.scope)} for ${String(a.principal_id)}, which is not the CI builder identity` };
  },
};
