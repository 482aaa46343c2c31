/**
 * The MLOps platform on Google Cloud for one environment. Reads top to bottom in the order every
 * cloud's stack follows: backend, provider, network, registry, storage, secrets, database, runtime,
 * ingress, trigger, monitoring, outputs.
 */
import { Construct } from "constructs";
import { Aspects, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { ConsoleLink } from "../modules/core/contracts";
import { platformTags } from "../modules/core/tags";
import { ApiDependencies } from "../modules/gcp/api-dependencies";
import { googleLabels } from "../modules/gcp/labels";
import { ProjectServices } from "../modules/gcp/project-services";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

/** One `<env>-gcp` stack. */
export class GcpPlatformStack extends TerraformStack {
  readonly links: ConsoleLink[] = [];

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env } = props;
    const gcp = env.clouds.gcp;
    if (!gcp) throw new Error(`${id}: environment ${env.name} has no gcp section`);

    configureBackend(this, gcp.backend, id);

    new GoogleProvider(this, "google", {
      project: gcp.projectId,
      region: gcp.region,
      defaultLabels: googleLabels(platformTags(env, "gcp"), this),
    });
    const apis = new ProjectServices(this, "apis", { projectId: gcp.projectId });
    Aspects.of(this).add(new ApiDependencies(apis.byApi));
  }
}
