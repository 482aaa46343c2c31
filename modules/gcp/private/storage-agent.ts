/**
 * The project's Cloud Storage service agent, read once per stack. Reading it (the storage
 * `projects.serviceAccount.get` call behind `google_storage_project_service_account`) is also what
 * provisions the agent: Google creates service agents lazily, and an IAM grant to
 * `service-<n>@gs-project-accounts...` on a fresh project fails while the agent does not exist yet.
 * So this data source is not a lookup of configuration; it is the documented way to make the agent
 * exist before anything is granted to it. ApiDependencies makes it wait for storage.googleapis.com,
 * which also defers the read to apply on a project whose API is still being enabled.
 */
import { IConstruct } from "constructs";
import { TerraformStack } from "cdktf";
import { DataGoogleStorageProjectServiceAccount } from "@cdktf/provider-google/lib/data-google-storage-project-service-account";

const ID = "storage-service-agent";

/** The stack's one `google_storage_project_service_account`, created on first use. */
export function storageServiceAgent(scope: IConstruct, projectId: string): DataGoogleStorageProjectServiceAccount {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ID);
  if (existing instanceof DataGoogleStorageProjectServiceAccount) return existing;
  return new DataGoogleStorageProjectServiceAccount(stack, ID, { project: projectId });
}
