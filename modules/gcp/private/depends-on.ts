/**
 * Terraform depends_on between constructs. cdktf ignores `node.addDependency`, and a resource's
 * `dependsOn` wants `<type>.<id>` strings without `${}`; this writes them for every resource under
 * `target` on every resource under `dependencies`.
 */
import { IConstruct } from "constructs";
import { TerraformResource } from "cdktf";

function resourcesUnder(scope: IConstruct): TerraformResource[] {
  return scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
}

/** `<type>.<id>`, the form Terraform's depends_on takes. */
export function addressOf(resource: TerraformResource): string {
  return `${resource.terraformResourceType}.${resource.friendlyUniqueId}`;
}

/** Makes every resource under `target` wait for every resource under each of `dependencies`. */
export function dependOn(target: IConstruct, ...dependencies: IConstruct[]): void {
  const addresses = dependencies.flatMap(resourcesUnder).map(addressOf);
  for (const r of resourcesUnder(target)) {
    const current = r.dependsOn ?? [];
    r.dependsOn = [...current, ...addresses.filter((a) => !current.includes(a))];
  }
}
