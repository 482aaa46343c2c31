/**
 * Keeps Terraform state with a construct whose id changed: every resource below `construct` gets a
 * `moved` block (cdktf `moveFromId`) from the address it had under the old id. cdktf names a resource
 * by its construct path below the stack (`makeUniqueId` of the path components), so the old address is
 * the same path with the renamed component put back. An Aspect does it at synth time, after the stack
 * has added everything it adds to the construct later (grants, rules).
 */
import { Aspects, TerraformResource, TerraformStack } from "cdktf";
import { makeUniqueId } from "cdktf/lib/private/unique";
import type { IConstruct } from "constructs";

/** The address `resource` had when the construct at `depth` below the stack was called `oldId`. */
export function formerAddress(resource: TerraformResource, depth: number, oldId: string): string {
  const stack = TerraformStack.of(resource);
  const scopes = resource.node.scopes;
  const components = scopes.slice(scopes.indexOf(stack) + 1).map((c) => c.node.id);
  components[depth] = oldId;
  return `${resource.terraformResourceType}.${makeUniqueId(components)}`;
}

/** Declares that `construct` was called `oldId` before: each resource below it moves from its former address. Returns `construct`. */
export function movedFrom<T extends IConstruct>(construct: T, oldId: string): T {
  const stack = TerraformStack.of(construct);
  // Index of `construct` among the path components below the stack.
  const depth = construct.node.scopes.length - 2 - construct.node.scopes.indexOf(stack as IConstruct);
  const seen = new Set<string>();
  Aspects.of(construct).add({
    visit(node: IConstruct) {
      if (!TerraformResource.isTerraformResource(node) || seen.has(node.node.path)) return;
      seen.add(node.node.path);
      node.moveFromId(formerAddress(node, depth, oldId));
    },
  });
  return construct;
}
