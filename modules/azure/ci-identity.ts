/**
 * Keyless CI on Azure: three user-assigned managed identities in the environment's resource group,
 * each trusting GitHub's OIDC tokens for exact subjects of this repository only (federated identity
 * credentials; no client secret or certificate exists anywhere):
 *   `<prefix>-<env>-publisher`  ← `repo:<repo>:ref:refs/heads/<branch>`  AcrPush and Container Registry Data
 *                                                                       Importer and Data Reader on the registry,
 *                                                                       nothing else (images.yml copies to later
 *                                                                       environments with `az acr import`)
 *   `<prefix>-<env>-builder`    ← `repo:<repo>:environment:<github env>` Owner on the subscription (plan and apply)
 *   `<prefix>-<env>-developer`  ← `repo:<repo>:pull_request`              Reader on the subscription, Blob Data
 *                                                                       Reader on the state account; no data
 *                                                                       role (no image, blob or secret)
 *
 * The builder is the only identity with Owner (or any other administrator role) and the policy rule
 * MLOPS-AZURE-ADMIN-ONLY-BUILDER recognises it by its construct id `builder` (the Terraform address
 * `azurerm_user_assigned_identity.<...>builder<...>`): keep that id. It needs Owner, not Contributor,
 * because the stacks create role assignments. Owner carries no data actions, so the builder also gets
 * Storage Blob Data Contributor on the Terraform state account when the backend is azurerm (state is
 * read and locked with Entra ID, `use_azuread_auth`); the developer reads it with Blob Data Reader
 * (pull-request plans run with `-lock=false`).
 *
 * Scopes are strings built from config (`/subscriptions/<id>`, the state account's resource id), so
 * nothing here reads a data source on the plan path. The state account is assumed to live in the
 * environment's subscription (the azurerm backend config names no other).
 *
 * The grants that need the registry are a method (`allowPublish`): the stack creates the identities
 * before the registry, then calls it once that exists.
 *
 * The developer signs in from any pull request, whose workflow is the branch's own file: anyone who can
 * push a branch acts as it. So it reads what a plan needs (Reader: control plane, which lists no keys;
 * the state) and nothing else: no AcrPull, no Blob data role on the data account, no Key Vault role
 * (ci.yml plans Azure with -refresh=false and without Key Vault reads, scripts/azure-data-plane.ts).
 * MLOPS-AZURE-DEVELOPER-NO-DATA keeps it that way.
 *
 * Deliberately not created: Entra ID app registrations (managed identities need no secret and no
 * directory role), role assignments outside the subscription, Key Vault data roles (the builder's
 * Key Vault Secrets Officer comes from `Secrets`, which the stack hands the builder and the operators).
 */
import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { FederatedIdentityCredential } from "@cdktf/provider-azurerm/lib/federated-identity-credential";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { ValidationError } from "../core/errors";
import type { CiPersona, PlatformCiIdentity } from "../core/contracts";
import { Naming } from "../core/naming";

/** GitHub Actions' OIDC issuer. */
export const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
/** The audience Entra ID expects in a federated token (what `azure/login` requests). */
export const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Where the Terraform state lives, as in the azurerm backend config. */
export interface CiStateStorage {
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
}

export interface CiIdentityProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Subscription the builder owns and the developer reads (a GUID). */
  readonly subscriptionId: string;
  /** `owner/name` of the repository whose workflows sign in. */
  readonly repository: string;
  /** GitHub environment whose deploy jobs may sign in as the builder. */
  readonly githubEnvironment: string;
  /** Branch whose workflows publish images. @default "main" */
  readonly publishBranch?: string;
  /** The azurerm backend's storage account (same subscription). @default - no state grants (local backend) */
  readonly stateStorage?: CiStateStorage;
}

/** The publisher, builder and developer identities with their federated credentials and roles. */
export class CiIdentity extends Construct implements PlatformCiIdentity {
  readonly publisher: UserAssignedIdentity;
  readonly builder: UserAssignedIdentity;
  readonly developer: UserAssignedIdentity;

  /** Managed identity client ids (azure/login client-id). */
  get loginIds(): Readonly<Record<CiPersona, string>> {
    return { publisher: this.publisher.clientId, builder: this.builder.clientId, developer: this.developer.clientId };
  }
  /** `/subscriptions/<id>`. */
  readonly subscriptionScope: string;
  /** Resource id of the state storage account, when the backend is azurerm. */
  readonly stateStorageAccountId?: string;
  /** Exact GitHub subjects each identity trusts (what the federated credentials say). */
  readonly subjects: Readonly<Record<"publisher" | "builder" | "developer", readonly string[]>>;

  private readonly props: CiIdentityProps;

  constructor(scope: Construct, id: string, props: CiIdentityProps) {
    super(scope, id);
    const branch = props.publishBranch ?? "main";
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(props.repository)) {
      throw new ValidationError(`repository must be owner/name with no wildcard; got ${JSON.stringify(props.repository)}`, this);
    }
    if (!GUID.test(props.subscriptionId)) {
      throw new ValidationError(`subscriptionId must be a lowercase GUID; got ${JSON.stringify(props.subscriptionId)}`, this);
    }
    for (const [name, value] of [["githubEnvironment", props.githubEnvironment], ["publishBranch", branch]] as const) {
      if (value.length === 0 || /[*?:\s]/.test(value)) {
        throw new ValidationError(`${name} must be a plain name (no wildcard, colon or space); got ${JSON.stringify(value)}`, this);
      }
    }
    this.props = props;
    this.subscriptionScope = `/subscriptions/${props.subscriptionId}`;
    const repo = `repo:${props.repository}`;
    this.subjects = {
      publisher: [`${repo}:ref:refs/heads/${branch}`],
      builder: [`${repo}:environment:${props.githubEnvironment}`],
      developer: [`${repo}:pull_request`],
    };

    // The construct ids are a contract: the admin policy rule finds the builder by "builder".
    this.publisher = this.identity("publisher", this.subjects.publisher);
    this.builder = this.identity("builder", this.subjects.builder);
    this.developer = this.identity("developer", this.subjects.developer);

    // The only Owner in the platform: deploys run through the GitHub environment's reviewers.
    this.assign("builder-owner", this.builder, this.subscriptionScope, "Owner");
    this.assign("developer-reader", this.developer, this.subscriptionScope, "Reader");

    if (props.stateStorage) {
      const s = props.stateStorage;
      this.stateStorageAccountId = `${this.subscriptionScope}/resourceGroups/${s.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${s.storageAccountName}`;
      this.assign("builder-state", this.builder, this.stateStorageAccountId, "Storage Blob Data Contributor");
      this.assign("developer-state", this.developer, this.stateStorageAccountId, "Storage Blob Data Reader");
    }
  }

  /**
   * The publisher pushes to the registry and imports into it (nothing else). Import is how images reach a registry without a public data endpoint (prod's Premium):
   * `az acr import` runs server-side, and AcrPush does not carry `registries/importImage/action`.
   */
  allowPublish(registryId: string): void {
    this.assign("publisher-push", this.publisher, registryId, "AcrPush");
    this.assign("publisher-import", this.publisher, registryId, "Container Registry Data Importer and Data Reader");
  }

  private identity(name: "publisher" | "builder" | "developer", subjects: readonly string[]): UserAssignedIdentity {
    const identity = new UserAssignedIdentity(this, name, {
      name: this.props.naming.name(name),
      resourceGroupName: this.props.resourceGroupName,
      location: this.props.location,
    });
    // Entra ID rejects concurrent credential writes on one identity: chain them.
    let previous: ITerraformDependable | undefined;
    subjects.forEach((subject, i) => {
      previous = new FederatedIdentityCredential(this, `${name}-github-${i}`, {
        name: `github-${subject.replace(/^repo:[^:]+:/, "").replace(/[^A-Za-z0-9-]+/g, "-")}`.slice(0, 120),
        resourceGroupName: this.props.resourceGroupName,
        parentId: identity.id,
        issuer: GITHUB_OIDC_ISSUER,
        audience: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
        subject,
        dependsOn: previous ? [previous] : undefined,
      });
    });
    return identity;
  }

  private assign(id: string, identity: UserAssignedIdentity, scope: string, role: string): RoleAssignment {
    return new RoleAssignment(this, id, {
      scope,
      roleDefinitionName: role,
      principalId: identity.principalId,
      principalType: "ServicePrincipal",
    });
  }
}
