/**
 * The MLOps platform on Azure for one environment. Reads top to bottom in the order every cloud's
 * stack follows: backend, provider, network, registry, storage, secrets, database, runtime,
 * ingress, trigger, monitoring, outputs.
 */
import { Construct } from "constructs";
import { Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { ConsoleLink } from "../modules/core/contracts";
import { Naming } from "../modules/core/naming";
import { platformTags } from "../modules/core/tags";
import { Network } from "../modules/azure/network";
import { AzureTagsAspect } from "../modules/azure/tags";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

const PORTAL = "https://portal.azure.com/#@";

/** One `<env>-azure` stack. */
export class AzurePlatformStack extends TerraformStack {
  readonly resourceGroup: ResourceGroup;
  readonly network: Network;
  readonly links: ConsoleLink[] = [];

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env, services } = props;
    const azure = env.clouds.azure;
    if (!azure) throw new Error(`${id}: environment ${env.name} has no azure section`);
    const naming = new Naming(env.namePrefix, env.name);
    const location = azure.location;
    // azurerm has no default tags: this aspect tags every resource, and runs before the policy aspect.
    Aspects.of(this).add(new AzureTagsAspect(platformTags(env, "azure")));

    configureBackend(this, azure.backend, id);

    new AzurermProvider(this, "azurerm", {
      subscriptionId: azure.subscriptionId,
      tenantId: azure.tenantId,
      // Shared keys are off on the data account: the provider talks to Blob with Entra ID.
      storageUseAzuread: true,
      features: [
        {
          keyVault: [{ purgeSoftDeleteOnDestroy: false, recoverSoftDeletedKeyVaults: true, recoverSoftDeletedSecrets: true }],
          resourceGroup: [{ preventDeletionIfContainsResources: true }],
        },
      ],
    });

    this.resourceGroup = new ResourceGroup(this, "rg", { name: naming.name("rg"), location });
    const rg = this.resourceGroup.name;
    const portal = `${PORTAL}${azure.tenantId}/resource`;

    this.network = new Network(this, "network", {
      naming,
      resourceGroupName: rg,
      location,
      cidr: azure.network.cidr,
      allowPublicIngress: services.some((s) => s.kind === "service" && s.ingress === "public"),
    });

    this.link("Resource group", `${portal}${this.resourceGroup.id}`);
    new TerraformOutput(this, "resource_group", { value: rg, description: "Resource group of the platform" });
    new TerraformOutput(this, "vnet_id", { value: this.network.networkId, description: "VNet of the platform" });
    for (const l of this.links) {
      new TerraformOutput(this, `console_${l.label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`, { value: l.url, description: `${l.label} in the Azure portal` });
    }
  }

  private link(label: string, url: string): void {
    this.links.push({ label, url });
  }
}
