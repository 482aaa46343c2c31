/**
 * Builds the cdktf App: one stack per (environment, cloud), each with the policy pack applied.
 * Everything is validated before the first construct exists; a ConfigError lists every problem.
 */
import { App, Aspects, TerraformStack } from "cdktf";
import { CLOUDS, CloudName, LoadedEnvironment } from "../environments";
import { ConfigError, ConfigProblem } from "../modules/core/errors";
import { platformTags } from "../modules/core/tags";
import { PackEntry, PolicyAspect, PolicyReport } from "../modules/policy";
import { readDeployedManifests } from "../modules/core/deployed-manifests";
import { resolveServices } from "../services/resolve";
import { ServiceSpec } from "../services/service-spec";
import { AwsPlatformStack } from "./aws-platform-stack";
import { GcpPlatformStack } from "./gcp-platform-stack";
import { AWS_PACK } from "../modules/policy/aws-pack";
import { GCP_PACK } from "../modules/policy/gcp-pack";
import { AzurePlatformStack } from "./azure-platform-stack";
import { AZURE_PACK } from "../modules/policy/azure-pack";
import { RiskRegister } from "../modules/policy/accepted-risk";
import { awsAcceptedRisks, awsStateAcceptedRisks, azureAcceptedRisks, azureStateAcceptedRisks, gcpAcceptedRisks, gcpStateAcceptedRisks } from "../modules/policy/accepted";
import { PlatformStackProps } from "./platform-stack-props";
import { StateStorageStack } from "./state-storage-stack";
import { stateStackName } from "./state-location";

type StackFactory = (app: App, id: string, props: PlatformStackProps) => TerraformStack;

/**
 * The oldest Terraform every stack accepts (its `required_version`, which terraform enforces at init):
 * S3-native state locking needs 1.10, write-only arguments and ephemeral values 1.11.
 */
export const MIN_TERRAFORM_VERSION = "1.11.0";

/** Which stack class serves each cloud, and the policy pack it runs. Clouds without one are refused by config. */
const CLOUD_STACKS: Partial<Record<CloudName, { create: StackFactory; pack: readonly PackEntry[]; accepted: RiskRegister }>> = {
  aws: { create: (app, id, props) => new AwsPlatformStack(app, id, props), pack: AWS_PACK, accepted: awsAcceptedRisks },
  gcp: { create: (app, id, props) => new GcpPlatformStack(app, id, props), pack: GCP_PACK, accepted: gcpAcceptedRisks },
  azure: { create: (app, id, props) => new AzurePlatformStack(app, id, props), pack: AZURE_PACK, accepted: azureAcceptedRisks },
};

export interface BuildOptions {
  readonly outdir: string;
  readonly environments: readonly LoadedEnvironment[];
  readonly catalog: readonly ServiceSpec[];
  /** Folder with `<env>/models/*.json` promoted manifests. */
  readonly deploymentsDir: string;
  /** Root that file names in messages are relative to. @default process.cwd() */
  readonly root?: string;
  /**
   * Which planned stacks to create, asked once per stack in synth order (a parallel synth creates part of them per process).
   * Services and manifests of every environment are still resolved, so every part reports the same
   * configuration problems. @default - every planned stack
   */
  readonly include?: (stack: PlannedStack) => boolean;
}

/** A stack the app holds, known before any construct exists; `planned` lists them in synth order. */
export interface PlannedStack {
  readonly name: string;
  readonly cloud: CloudName;
  /** `platform` for `<env>-<cloud>`, `state` for `<env>-<cloud>-state`. */
  readonly kind: "platform" | "state";
}

export interface PlatformApp {
  readonly app: App;
  readonly report: PolicyReport;
  readonly stacks: { readonly name: string; readonly cloud: CloudName; readonly stack: TerraformStack }[];
  /** Every stack of the selected environments in synth order, created or not (see `include`). */
  readonly planned: readonly PlannedStack[];
  /** Workloads running their catalog tag because nothing pinned an image: `<env>: <service>:<tag>`. */
  readonly unpinnedImages: string[];
}

/** Resolves services and manifests for every environment, then creates the stacks. */
export function buildPlatformApp(opts: BuildOptions): PlatformApp {
  const problems: ConfigProblem[] = [];
  const plans = opts.environments.map(({ file, config }) => {
    const deployed = readDeployedManifests(opts.deploymentsDir, config.name, opts.root);
    const resolved = resolveServices(config, opts.catalog, deployed.manifests, file);
    problems.push(...deployed.problems, ...resolved.problems);
    for (const cloud of CLOUDS) {
      if (config.clouds[cloud] && !CLOUD_STACKS[cloud]) {
        problems.push({ file, field: `clouds.${cloud}`, expected: `a cloud this suite can deploy (${Object.keys(CLOUD_STACKS).join(", ")})`, found: "a configured section" });
      }
    }
    return { config, services: resolved.services };
  });
  if (problems.length > 0) throw new ConfigError(problems);

  const app = new App({ outdir: opts.outdir, skipValidation: false });
  const report = new PolicyReport();
  const stacks: PlatformApp["stacks"] = [];
  const planned: PlannedStack[] = [];
  const wanted = (p: PlannedStack) => {
    planned.push(p);
    return !opts.include || opts.include(p);
  };
  for (const { config, services } of plans) {
    for (const cloud of CLOUDS) {
      const entry = CLOUD_STACKS[cloud];
      if (!config.clouds[cloud] || !entry) continue;
      const name = `${config.name}-${cloud}`;
      if (!wanted({ name, cloud, kind: "platform" })) continue;
      const stack = entry.create(app, name, { env: config, services });
      stack.addOverride("terraform.required_version", `>= ${MIN_TERRAFORM_VERSION}`);
      Aspects.of(stack).add(new PolicyAspect({ pack: entry.pack, context: { requiredTags: platformTags(config, cloud) }, report, accepted: entry.accepted(config) }));
      stacks.push({ name, cloud, stack });
    }
  }
  // State storage: one `<env>-<cloud>-state` stack per remote backend, creating what that backend names.
  for (const { config } of plans) {
    for (const cloud of CLOUDS) {
      const entry = CLOUD_STACKS[cloud];
      const backend = config.clouds[cloud]?.backend;
      if (!entry || !backend || backend.type === "local") continue;
      const name = stateStackName(config.name, cloud);
      if (!wanted({ name, cloud, kind: "state" })) continue;
      const stack = new StateStorageStack(app, name, { env: config, cloud });
      stack.addOverride("terraform.required_version", `>= ${MIN_TERRAFORM_VERSION}`);
      const accepted =
        cloud === "aws" ? awsStateAcceptedRisks({ name: config.name, kmsKeyId: backend.type === "s3" ? backend.kmsKeyId : undefined }) : cloud === "gcp" ? gcpStateAcceptedRisks() : azureStateAcceptedRisks();
      Aspects.of(stack).add(new PolicyAspect({ pack: entry.pack, context: { requiredTags: platformTags(config, cloud) }, report, accepted }));
      stacks.push({ name, cloud, stack });
    }
  }
  const unpinnedImages = plans.flatMap(({ config, services }) =>
    services.flatMap((s) => (s.image.kind === "tag" && !s.image.pinned ? [`${config.name}: ${s.name}:${s.image.tag}`] : [])),
  );
  return { app, report, stacks, planned, unpinnedImages };
}
