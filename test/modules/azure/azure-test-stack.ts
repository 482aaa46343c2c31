/** Test helpers for Azure constructs: a stack with the azurerm provider and the platform's pieces. */
import { App, TerraformStack, Testing } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { Naming } from "../../../modules/core/naming";
import { Network } from "../../../modules/azure/network";

export const NAMING = new Naming("mlops", "test");
export const COMMON = { naming: NAMING, resourceGroupName: "rg-test", location: "westeurope" };
export const SEED = "00000000-0000-0000-0000-000000000009";
export const TENANT = "00000000-0000-0000-0000-0000000000aa";

/** A stack with an azurerm provider, like the platform stack's (no default tags exist on Azure). */
export function azureTestStack(app: App = Testing.app(), id = "test"): TerraformStack {
  const stack = new TerraformStack(app, id);
  new AzurermProvider(stack, "azurerm", { features: [{}], subscriptionId: SEED, tenantId: TENANT, storageUseAzuread: true });
  return stack;
}

/** A network in the stack, for constructs that need private endpoints or subnets. */
export function testNetwork(stack: TerraformStack): Network {
  return new Network(stack, "network", { ...COMMON, cidr: "10.50.0.0/16" });
}

/** A stable Key Vault writer, like the CI builder the platform stack passes. */
export const OFFICER_ID = "00000000-0000-0000-0000-0000000000b1";
export const OFFICERS = [{ key: "builder", principalId: OFFICER_ID, principalType: "ServicePrincipal" as const }];
