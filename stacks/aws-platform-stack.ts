/**
 * The MLOps platform on AWS for one environment. Reads top to bottom in the order every cloud's
 * stack follows: backend, provider, network, registry, storage, secrets, database, runtime,
 * ingress, trigger, monitoring, outputs.
 */
import { Construct } from "constructs";
import { TerraformOutput, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ConsoleLink } from "../modules/core/contracts";
import { Naming } from "../modules/core/naming";
import { platformTags } from "../modules/core/tags";
import { Network } from "../modules/aws/network";
import { configureBackend } from "./backend";
import { PlatformStackProps } from "./platform-stack-props";

/** One `<env>-aws` stack. */
export class AwsPlatformStack extends TerraformStack {
  readonly network: Network;
  readonly links: ConsoleLink[] = [];

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { env } = props;
    const aws = env.clouds.aws;
    if (!aws) throw new Error(`${id}: environment ${env.name} has no aws section`);
    const naming = new Naming(env.namePrefix, env.name);
    const region = aws.region;

    configureBackend(this, aws.backend, id);

    new AwsProvider(this, "aws", {
      region,
      allowedAccountIds: [aws.accountId],
      defaultTags: [{ tags: platformTags(env, "aws") }],
    });

    this.network = new Network(this, "network", {
      naming,
      region,
      cidr: aws.network.cidr,
      zones: aws.network.zones,
      natMode: aws.network.natMode,
      enableFlowLogs: aws.network.flowLogs,
      flowLogRetentionDays: env.logRetentionDays,
    });

    this.link("VPC", `https://${region}.console.aws.amazon.com/vpcconsole/home?region=${region}#VpcDetails:VpcId=${this.network.networkId}`);
    new TerraformOutput(this, "vpc_id", { value: this.network.networkId, description: "VPC of the platform" });
    new TerraformOutput(this, "private_subnet_ids", { value: this.network.privateSubnetIds, description: "Private subnets (services, database)" });
    for (const l of this.links) {
      new TerraformOutput(this, `console_${l.label.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`, { value: l.url, description: `${l.label} in the AWS console` });
    }
  }

  private link(label: string, url: string): void {
    this.links.push({ label, url });
  }
}
