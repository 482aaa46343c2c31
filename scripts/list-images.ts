/**
 * Prints what images.yml builds and where it pushes, as JSON:
 *   { "build":  [ one row per service with images/<service>/Dockerfile, aimed at the build environment ],
 *     "mirror": [ one row per (service, later environment) the built digest is copied to ] }
 * A service of the catalog without a Dockerfile is left out (listed on stderr as a notice), so the
 * workflow builds nothing until images exist. Registry addresses come from environments/*.ts and the
 * naming the stacks use: ECR `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>-<env>/<service>`,
 * Artifact Registry `<region>-docker.pkg.dev/<project>/<prefix>-<env>-images/<service>`. The ACR login
 * server has a generated suffix, so the workflow reads it from a variable (the stack's output).
 */
import * as fs from "fs";
import * as path from "path";
import { EnvironmentConfig, LoadedEnvironment, loadEnvironments } from "../environments";
import { ConfigError } from "../modules/core/errors";
import { Naming } from "../modules/core/naming";
import { SERVICE_CATALOG } from "../services/catalog";

/** One (service, environment) push target, flat for `matrix.<key>`; a cloud the environment lacks is "". */
export interface ImageTarget {
  readonly service: string;
  readonly dockerfile: string;
  readonly context: string;
  readonly env: string;
  readonly envVar: string;
  readonly aws: string;
  readonly awsAccountId: string;
  readonly awsRegion: string;
  readonly ecrRegistry: string;
  readonly ecrRepository: string;
  readonly azure: string;
  readonly azureTenantId: string;
  readonly azureSubscriptionId: string;
  readonly gcp: string;
  readonly gcpProjectId: string;
  readonly gcpRegion: string;
  readonly garRegistry: string;
  readonly garRepository: string;
  /** The tag in `images/<service>/RELEASE` (the catalog's default tag), pushed once per registry; "" without the file. */
  readonly releaseTag: string;
  /**
   * Where this service's image is first pushed (the build environment): the manifest's image and the
   * copy source for later environments. ECR when the build environment has AWS, else Artifact Registry,
   * else ACR (whose address the workflow takes from a variable, so `sourceRepository` is then "").
   */
  readonly sourceCloud: string;
  readonly sourceEnvVar: string;
  readonly sourceRegistry: string;
  readonly sourceRepository: string;
  readonly sourceAwsRegion: string;
  readonly sourceAzureTenantId: string;
  readonly sourceAzureSubscriptionId: string;
  readonly sourceGcpProjectId: string;
}

export interface ImagePlan {
  readonly build: ImageTarget[];
  readonly mirror: ImageTarget[];
  /** Catalog services with no Dockerfile. */
  readonly skipped: string[];
}

/** The push target of `service` in `config`; `source` is the build environment (itself for a build row). */
export function imageTarget(config: EnvironmentConfig, service: string, source: EnvironmentConfig = config, releaseTag = ""): ImageTarget {
  const own = { ...targetOf(config, service), releaseTag };
  const src = source === config ? own : targetOf(source, service);
  const sourceCloud = src.aws ? "aws" : src.gcp ? "gcp" : "azure";
  return {
    ...own,
    sourceCloud,
    sourceEnvVar: src.envVar,
    sourceRegistry: sourceCloud === "aws" ? src.ecrRegistry : sourceCloud === "gcp" ? src.garRegistry : "",
    sourceRepository: sourceCloud === "aws" ? src.ecrRepository : sourceCloud === "gcp" ? src.garRepository : "",
    sourceAwsRegion: src.awsRegion,
    sourceAzureTenantId: src.azureTenantId,
    sourceAzureSubscriptionId: src.azureSubscriptionId,
    sourceGcpProjectId: src.gcpProjectId,
  };
}

type OwnTarget = Omit<ImageTarget, `source${string}` | "releaseTag">;

function targetOf(config: EnvironmentConfig, service: string): OwnTarget {
  const naming = new Naming(config.namePrefix, config.name);
  const { aws, azure, gcp } = config.clouds;
  const ecrRegistry = aws ? `${aws.accountId}.dkr.ecr.${aws.region}.amazonaws.com` : "";
  const garRegistry = gcp ? `${gcp.region}-docker.pkg.dev` : "";
  return {
    service,
    dockerfile: `images/${service}/Dockerfile`,
    context: `images/${service}`,
    env: config.name,
    envVar: config.name.toUpperCase(),
    aws: aws ? "true" : "",
    awsAccountId: aws?.accountId ?? "",
    awsRegion: aws?.region ?? "",
    ecrRegistry,
    ecrRepository: aws ? `${ecrRegistry}/${naming.name()}/${service}` : "",
    azure: azure ? "true" : "",
    azureTenantId: azure?.tenantId ?? "",
    azureSubscriptionId: azure?.subscriptionId ?? "",
    gcp: gcp ? "true" : "",
    gcpProjectId: gcp?.projectId ?? "",
    gcpRegion: gcp?.region ?? "",
    garRegistry,
    garRepository: gcp ? `${garRegistry}/${gcp.projectId}/${naming.bounded(63, "images")}/${service}` : "",
  };
}

/**
 * Builds go to the first environment of the promotion chain (dev); every later environment gets the
 * same digest copied, so a manifest promoted there finds its image in that environment's registries.
 */
export function imagePlan(
  envs: readonly LoadedEnvironment[],
  services: readonly string[],
  hasDockerfile: (service: string) => boolean,
  releaseTag: (service: string) => string = () => "",
): ImagePlan {
  const built = services.filter(hasDockerfile);
  const skipped = services.filter((s) => !hasDockerfile(s));
  const [first, ...rest] = envs.map((e) => e.config);
  if (!first) return { build: [], mirror: [], skipped };
  return {
    build: built.map((s) => imageTarget(first, s, first, releaseTag(s))),
    mirror: rest.flatMap((config) => built.map((s) => imageTarget(config, s, first, releaseTag(s)))),
    skipped,
  };
}

/** `images/<service>/RELEASE` without whitespace, as images.yml reads it; "" when the file does not exist. */
export function readReleaseTag(root: string, service: string): string {
  const file = path.join(root, "images", service, "RELEASE");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").replace(/\s/g, "") : "";
}

/** Runs the command line (`--environments <dir>`, `--root <dir>`); never exits the process itself. */
export function run(argv: readonly string[], root: string = path.resolve(__dirname, "..")): { code: number; stdout: string; stderr: string } {
  let envDir = "environments";
  let projectRoot = root;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--environments" && argv[i + 1]) envDir = argv[++i];
    else if (argv[i] === "--root" && argv[i + 1]) projectRoot = path.resolve(argv[++i]);
    else return { code: 2, stdout: "", stderr: `list-images: unknown option ${JSON.stringify(argv[i])} (allowed: --environments <dir>, --root <dir>)\n` };
  }
  let envs: LoadedEnvironment[];
  try {
    envs = loadEnvironments({ dir: path.resolve(projectRoot, envDir), root: projectRoot });
  } catch (e) {
    if (e instanceof ConfigError) return { code: 2, stdout: "", stderr: `${e.message}\n` };
    throw e;
  }
  const plan = imagePlan(
    envs,
    SERVICE_CATALOG.map((s) => s.name),
    (s) => fs.existsSync(path.join(projectRoot, "images", s, "Dockerfile")),
    (s) => readReleaseTag(projectRoot, s),
  );
  const stderr = plan.skipped.map((s) => `::notice title=no image for ${s}::images/${s}/Dockerfile does not exist; ${s} is not built\n`).join("");
  return { code: 0, stdout: `${JSON.stringify({ build: plan.build, mirror: plan.mirror })}\n`, stderr };
}

if (require.main === module) {
  const r = run(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
