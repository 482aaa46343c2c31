import { PolicyRule } from "../rule";

/**
 * The CI developer: a principal id that is the `principal_id` of a user-assigned identity whose Terraform
 * address contains "developer" (`CiIdentity`'s child `developer`), recognised like the builder in
 * azure-admin-only-builder.ts.
 */
const DEVELOPER_PRINCIPAL = /^\$\{azurerm_user_assigned_identity\.[A-Za-z0-9_-]*developer[A-Za-z0-9_-]*\.principal_id\}$/;

/** Roles that read or write data rather than describe resources: blobs, queues, secrets, keys, images. */
const DATA_ROLE = /Data (Reader|Contributor|Owner|Importer|Message)|^Key Vault (?!Reader$)|^AcrPull$|^AcrPush$|Secrets|Crypto/;

/**
 * The developer identity signs in from every pull request, whose workflow is the branch's own file: it may
 * read the control plane (Reader) and the Terraform state, never data (issue 16 item 4). The state account's
 * `Storage Blob Data Reader` is the one data role it needs: a role assignment scoped to the backend's state
 * account is allowed when the assignment's construct id says so (`developer-state`).
 */
export const azureDeveloperNoData: PolicyRule = {
  id: "MLOPS-AZURE-DEVELOPER-NO-DATA",
  description: "The CI developer identity (pull-request plans) holds no data role (blobs, queues, secrets, keys, images) other than reading the Terraform state.",
  maps: ["issue 16 item 4 (a pull-request identity that can read data)"],
  check(resource) {
    if (resource.type !== "azurerm_role_assignment") return "not-applicable";
    const a = resource.attributes;
    if (typeof a.principal_id !== "string" || !DEVELOPER_PRINCIPAL.test(a.principal_id)) return "compliant";
    const role = String(a.role_definition_name ?? a.role_definition_id ?? "");
    if (!DATA_ROLE.test(role)) return "compliant";
    if (resource.path.endsWith("/developer-state") && role === "Storage Blob Data Reader") return "compliant";
    return { status: "non-compliant", detail: `the developer identity holds ${role} on ${String(a.scope)}: anyone who can push a branch could use it` };
  },
};
