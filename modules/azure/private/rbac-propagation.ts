/**
 * A wait for Azure RBAC propagation after role assignments, before anything that uses them.
 *
 * `azurerm_role_assignment` returns once Resource Manager can read the assignment back five times in a
 * row (azurerm v4.55.0 `internal/services/authorization/role_assignment_resource.go`, the StateChangeConf
 * after the create: `ContinuousTargetOccurence: 5`, polling `Get`), which says nothing about the data
 * planes: Key Vault and the Container Apps revision checks (Key Vault references, AcrPull) see a new
 * assignment only after RBAC replication, up to a few minutes later. A first apply then fails with 403 on
 * the Key Vault secret write, or a revision that cannot pull or resolve its secrets.
 *
 * The wait is hashicorp/time's `time_sleep` (declared as raw JSON: cdktf 0.21 has no prebuilt time package,
 * like `random` in secrets.ts). Its `triggers` are the grants' ids, so a grant that is replaced (a new
 * principal) replaces the sleep and the next apply waits again; the references also order the sleep after
 * the grants. Azure stacks run Terraform online only (no offline plan test: there is no Azure provider
 * binary either), so one more provider from the registry costs nothing; AWS stacks must not use it.
 */
import { Construct } from "constructs";
import { TerraformResource, TerraformStack } from "cdktf";
import type { RoleAssignment } from "@cdktf/provider-azurerm/lib/role-assignment";

/** hashicorp/time, pinned like random in secrets.ts. */
export const TIME_PROVIDER = { source: "hashicorp/time", version: "~> 0.13" } as const;

/** Seconds Azure RBAC usually needs to reach the data planes (Microsoft documents "up to 10 minutes"; 1-2 is typical). */
export const RBAC_PROPAGATION_SECONDS = 120;

/** A `time_sleep` after a set of role assignments; resources that use the grants depend on `sleep`. */
export class RbacPropagation extends Construct {
  readonly sleep: TerraformResource;
  private readonly grants: RoleAssignment[] = [];

  constructor(scope: Construct, id: string, seconds: number = RBAC_PROPAGATION_SECONDS) {
    super(scope, id);
    TerraformStack.of(this).addOverride("terraform.required_providers.time", TIME_PROVIDER);
    // No terraformGeneratorMetadata: cdktf would then demand a provider construct, which only a prebuilt
    // package has; the required_providers entry above is what Terraform needs (no provider block: no config).
    this.sleep = new TerraformResource(this, "sleep", { terraformResourceType: "time_sleep" });
    this.sleep.addOverride("create_duration", `${seconds}s`);
  }

  /** Waits for these grants too (their ids become triggers: a replaced grant waits again). */
  add(...grants: RoleAssignment[]): this {
    for (const g of grants) if (!this.grants.includes(g)) this.grants.push(g);
    this.sleep.addOverride("triggers", Object.fromEntries(this.grants.map((g) => [g.friendlyUniqueId, g.id])));
    return this;
  }

  /** The grants this wait follows. */
  get assignments(): readonly RoleAssignment[] {
    return this.grants;
  }
}
