/**
 * azurerm has no provider-level default tags, so this Aspect gives every taggable azurerm resource
 * the environment's tags (resource-specific tags win on a key clash). Add it to a stack BEFORE the
 * PolicyAspect: aspects run in the order they were added, so the policy sees the tags.
 */
import { IConstruct } from "constructs";
import { Aspects, IAspect, TerraformResource, TerraformStack } from "cdktf";
import type { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";

interface Taggable {
  tags: Record<string, string>;
  readonly tagsInput?: Record<string, string>;
}

function isTaggable(node: IConstruct): node is TerraformResource & Taggable {
  return TerraformResource.isTerraformResource(node) && node.terraformResourceType.startsWith("azurerm_") && "tagsInput" in node;
}

/** Fills `tags` on azurerm resources that support them. */
export class AzureTagsAspect implements IAspect {
  constructor(private readonly tags: Readonly<Record<string, string>>) {}

  visit(node: IConstruct): void {
    if (!isTaggable(node)) return;
    const own = node.tagsInput;
    // A token (e.g. merge(...)) cannot be merged here; leave it to its author.
    if (own !== undefined && (typeof own !== "object" || own === null)) return;
    node.tags = { ...this.tags, ...(own ?? {}) };
  }
}

/** Tags every azurerm resource of the provider's stack (through the Aspect above). Returns the tags. */
export function applyTags(provider: AzurermProvider, tags: Readonly<Record<string, string>>): Record<string, string> {
  Aspects.of(TerraformStack.of(provider)).add(new AzureTagsAspect(tags));
  return { ...tags };
}
