/**
 * Azure Container Registry for the platform's images, and the user-assigned managed identity that
 * pulls them (it alone holds `AcrPull`; no admin user, no anonymous pull, no passwords anywhere).
 *
 * Basic/Standard (dev): public endpoint, no network rules (those tiers have none).
 * Premium (prod): zone redundant, untagged manifests purged after `untaggedRetentionDays`, export
 * disabled, and a private endpoint; public network access stays off unless `allowedIpRanges` lets a
 * CI runner in (AVM leaves public access on by default; we do not).
 *
 * Deliberately not created: geo-replication, scope maps/tokens, cache rules, quarantine (it blocks
 * pulls until a scanner releases the image, and we run no scanner yet), CMK encryption.
 */
import { Construct } from "constructs";
import { ContainerRegistry } from "@cdktf/provider-azurerm/lib/container-registry";
import { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";
import { UserAssignedIdentity } from "@cdktf/provider-azurerm/lib/user-assigned-identity";
import { PlatformRegistry } from "../core/contracts";
import { lookup, ValidationError, notOneOf } from "../core/errors";
import { Naming } from "../core/naming";
import type { ImageRef } from "../core/workload-spec";
import { addDiagnostics } from "./private/diagnostics";
import { alnumName } from "./private/names";
import { addPrivateEndpoint } from "./private/private-endpoint";
import type { Network } from "./network";

export const REGISTRY_SKUS = ["Basic", "Standard", "Premium"] as const;
export type RegistrySku = (typeof REGISTRY_SKUS)[number];

export interface RegistryProps {
  readonly naming: Naming;
  readonly resourceGroupName: string;
  readonly location: string;
  /** Seed for the globally unique name (the subscription id). */
  readonly uniqueSeed: string;
  /** @default "Premium" */
  readonly sku?: RegistrySku;
  /** Days an untagged manifest is kept (Premium only). @default 7 */
  readonly untaggedRetentionDays?: number;
  /** Zone redundancy (Premium only). @default true for Premium */
  readonly zoneRedundant?: boolean;
  /** Network for the private endpoint (Premium only). @default - no private endpoint */
  readonly network?: Network;
  /** Public CIDRs allowed to push/pull besides the private endpoint (Premium only). @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** Log Analytics workspace for login/repository events. @default - no diagnostic setting */
  readonly logWorkspaceId?: string;
  /** The services whose images it holds, as on every cloud: `repositoryUrl` refuses any other name. */
  readonly repositories: readonly string[];
  /**
   * Destroy the registry while it still holds images, as on every cloud (AWS `force_delete`). Deleting an
   * ACR takes its images with it, with no emptiness check (azurerm v4.55.0
   * containers/container_registry_resource.go: a plain DeleteThenPoll), so `false` is
   * `lifecycle.prevent_destroy`: Terraform refuses any plan that destroys it. @default false
   */
  readonly forceDestroy?: boolean;
}

/** ACR plus the pull identity. */
export class Registry extends Construct implements PlatformRegistry {
  readonly registry: ContainerRegistry;
  readonly loginServer: string;
  readonly sku: RegistrySku;
  /** The identity container apps and jobs use to pull (resource id, for `registry.identity`). */
  readonly pullIdentity: UserAssignedIdentity;
  /** The AcrPull assignment; apps depend on it so the first revision can pull. */
  readonly pullGrant: RoleAssignment;
  private readonly services: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RegistryProps) {
    super(scope, id);
    const sku = props.sku ?? "Premium";
    const premium = sku === "Premium";
    const retentionDays = props.untaggedRetentionDays ?? 7;
    const zoneRedundant = props.zoneRedundant ?? premium;
    const allowed = props.allowedIpRanges ?? [];
    if (!(REGISTRY_SKUS as readonly string[]).includes(sku)) throw new ValidationError(notOneOf("sku", sku, REGISTRY_SKUS), this);
    if (!Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > 365) {
      throw new ValidationError(`untaggedRetentionDays must be 0 to 365; got ${retentionDays}`, this);
    }
    if (!premium && (zoneRedundant || allowed.length > 0)) {
      throw new ValidationError(`zone redundancy and network rules need the Premium SKU; got sku ${JSON.stringify(sku)} (set sku: "Premium" or drop them)`, this);
    }
    this.sku = sku;
    const publicAccess = !premium || allowed.length > 0;

    this.services = Object.fromEntries(props.repositories.map((name) => [name, name]));
    this.registry = new ContainerRegistry(this, "acr", {
      lifecycle: props.forceDestroy ? undefined : { preventDestroy: true },
      name: alnumName(props.naming, 50, props.uniqueSeed, "acr"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku,
      adminEnabled: false,
      anonymousPullEnabled: false,
      publicNetworkAccessEnabled: publicAccess,
      ...(premium
        ? {
            zoneRedundancyEnabled: zoneRedundant,
            retentionPolicyInDays: retentionDays,
            exportPolicyEnabled: publicAccess, // export can only be disabled with public access off
            dataEndpointEnabled: true,
            networkRuleBypassOption: "AzureServices",
            networkRuleSet: allowed.length > 0 ? [{ defaultAction: "Deny", ipRule: allowed.map((ipRange) => ({ action: "Allow", ipRange })) }] : undefined,
          }
        : {}),
    });
    this.loginServer = this.registry.loginServer;

    this.pullIdentity = new UserAssignedIdentity(this, "pull-identity", {
      name: props.naming.name("acr-pull"),
      resourceGroupName: props.resourceGroupName,
      location: props.location,
    });
    this.pullGrant = new RoleAssignment(this, "acr-pull", {
      scope: this.registry.id,
      roleDefinitionName: "AcrPull",
      principalId: this.pullIdentity.principalId,
      principalType: "ServicePrincipal",
    });

    if (premium && props.network) {
      addPrivateEndpoint(this, "endpoint", {
        network: props.network,
        name: props.naming.name("acr", "pe"),
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        resourceId: this.registry.id,
        subresource: "registry",
        dnsZone: "privatelink.azurecr.io",
      });
    }
    addDiagnostics(this, "diagnostics", this.registry.id, props.logWorkspaceId, ["audit"]);
  }

  /** `<login server>/<service>` without tag or digest. */
  repositoryUrl(service: string): string {
    return `${this.loginServer}/${lookup(this, "repository", this.services, service)}`;
  }

  /** The full image reference: `<repo>@sha256:...` for a promoted digest, else `<repo>:<tag>`. */
  imageFor(service: string, image: ImageRef): string {
    return image.kind === "digest" ? `${this.repositoryUrl(service)}@${image.digest}` : `${this.repositoryUrl(service)}:${image.tag}`;
  }
}
