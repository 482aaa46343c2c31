/** Azure tags: azurerm has no default tags, so an Aspect writes the environment's tags onto every taggable azurerm resource. */
import { Fn } from "cdktf";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { StorageContainer } from "@cdktf/provider-azurerm/lib/storage-container";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { applyTags } from "../../../modules/azure/tags";
import { Registry } from "../../../modules/azure/registry";
import { platformTags } from "../../../modules/core/tags";
import { resources, StackJson, synthStack } from "../../support/synth";
import { azureTestStack, COMMON, SEED } from "./azure-test-stack";
import { SERVICE_CATALOG } from "../../../services/catalog";

const TAGS = platformTags({ name: "test", namePrefix: "mlops", tags: { owner: "ml-platform" } }, "azure");

describe("Azure applyTags", () => {
  let json: StackJson;
  beforeAll(() => {
    const stack = azureTestStack();
    const provider = stack.node.findAll().find((c): c is AzurermProvider => c instanceof AzurermProvider)!;
    applyTags(provider, TAGS);
    new ResourceGroup(stack, "own", { name: "rg-own", location: "westeurope", tags: { owner: "someone-else", purpose: "x" } });
    new ResourceGroup(stack, "computed", { name: "rg-computed", location: "westeurope", tags: Fn.merge([{ a: "b" }]) as unknown as Record<string, string> });
    const registry = new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...COMMON, uniqueSeed: SEED, sku: "Basic" });
    new StorageContainer(stack, "container", { name: "c", storageAccountId: registry.registry.id });
    json = synthStack(stack);
  });
  const group = (name: string): Record<string, unknown> => resources(json, "azurerm_resource_group").find((g) => g.name === name)!;

  test("GIVEN a taggable resource without tags WHEN synthesized THEN it carries exactly the environment's tags", () => {
    expect(resources(json, "azurerm_container_registry")[0].tags).toEqual(TAGS);
  });

  test("GIVEN a resource with tags of its own THEN they are kept and win on a clash, the environment's fill the rest", () => {
    expect(group("rg-own").tags).toEqual({ ...TAGS, owner: "someone-else", purpose: "x" });
  });

  test("GIVEN tags that are a Terraform expression THEN they are left to their author", () => {
    expect(String(group("rg-computed").tags)).toContain("merge(");
  });

  test("GIVEN an azurerm resource that takes no tags THEN none are written", () => {
    expect(resources(json, "azurerm_storage_container")[0]).not.toHaveProperty("tags");
  });
});
