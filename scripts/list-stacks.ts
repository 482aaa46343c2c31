/**
 * Prints the stacks of one or more environments as JSON, for GitHub Actions matrices:
 *   npx tsx scripts/list-stacks.ts --env dev                  ["dev-aws","dev-azure","dev-gcp"]
 *   npx tsx scripts/list-stacks.ts --env dev --matrix         [{"stack":"dev-aws","cloud":"aws",...}, ...]
 *   npx tsx scripts/list-stacks.ts --env dev --remote-state   only stacks whose state is not a local file
 *   npx tsx scripts/list-stacks.ts --env all                  every environment, in promotion order
 * The rows carry what the workflows need from environments/*.ts (GitHub environment, account, tenant,
 * subscription, project, region), so those values are written once, in config, and never copied into
 * GitHub variables. It reads config only; it synthesizes nothing and calls no cloud.
 */
import * as path from "path";
import { CLOUDS, CloudName, EnvironmentConfig, LoadedEnvironment, loadEnvironments } from "../environments";
import { ConfigError } from "../modules/core/errors";

/** One (environment, cloud) stack, flat so that `matrix.<key>` reads it in a workflow. */
export interface StackRow {
  readonly stack: string;
  readonly env: string;
  /** The environment's name in upper case: the suffix of per-environment repository variables. */
  readonly envVar: string;
  readonly cloud: CloudName;
  /** GitHub environment the deploy job runs in (config `github.environment`, else the environment's name). */
  readonly githubEnvironment: string;
  readonly repository: string;
  /** Where the stack's state lives: `local` state would be lost with the runner, so CI never deploys it. */
  readonly backend: string;
  readonly awsAccountId: string;
  readonly awsRegion: string;
  readonly azureTenantId: string;
  readonly azureSubscriptionId: string;
  readonly gcpProjectId: string;
  readonly gcpProjectNumber: string;
  readonly gcpRegion: string;
}

/** The stacks of the given environments in promotion order, clouds in the suite's order. */
export function stackRows(envs: readonly LoadedEnvironment[]): StackRow[] {
  return envs.flatMap(({ config }) => CLOUDS.filter((c) => config.clouds[c] !== undefined).map((cloud) => stackRow(config, cloud)));
}

function stackRow(config: EnvironmentConfig, cloud: CloudName): StackRow {
  const { aws, azure, gcp } = config.clouds;
  const backend = cloud === "aws" ? aws!.backend.type : cloud === "azure" ? azure!.backend.type : gcp!.backend.type;
  return {
    stack: `${config.name}-${cloud}`,
    env: config.name,
    envVar: config.name.toUpperCase(),
    cloud,
    githubEnvironment: config.github.environment ?? config.name,
    repository: config.github.repository,
    backend,
    awsAccountId: cloud === "aws" ? aws!.accountId : "",
    awsRegion: cloud === "aws" ? aws!.region : "",
    azureTenantId: cloud === "azure" ? azure!.tenantId : "",
    azureSubscriptionId: cloud === "azure" ? azure!.subscriptionId : "",
    gcpProjectId: cloud === "gcp" ? gcp!.projectId : "",
    gcpProjectNumber: cloud === "gcp" ? gcp!.projectNumber : "",
    gcpRegion: cloud === "gcp" ? gcp!.region : "",
  };
}

/** What one run printed and its exit code; `run` never exits the process itself (tests call it). */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options a workflow passes; values may repeat as a comma list (`--env dev,staging`). */
export function parseArgs(argv: readonly string[]): { env?: string; matrix: boolean; remoteState: boolean; environments?: string } {
  const out: { env?: string; matrix: boolean; remoteState: boolean; environments?: string } = { matrix: false, remoteState: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--env") out.env = value();
    else if (a.startsWith("--env=")) out.env = a.slice("--env=".length);
    else if (a === "--environments") out.environments = value();
    else if (a === "--matrix") out.matrix = true;
    else if (a === "--remote-state") out.remoteState = true;
    else throw new Error(`unknown option ${JSON.stringify(a)} (allowed: --env <names>, --matrix, --remote-state, --environments <dir>)`);
  }
  return out;
}

/** Runs the command line; `root` is the project folder file names are relative to. */
export function run(argv: readonly string[], root: string = path.resolve(__dirname, "..")): CliResult {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return { code: 2, stdout: "", stderr: `list-stacks: ${(e as Error).message}\n` };
  }
  if (!args.env || args.env.trim() === "") {
    return { code: 2, stdout: "", stderr: "list-stacks: --env <name>[,<name>...] or --env all is required\n" };
  }
  let envs: LoadedEnvironment[];
  try {
    const select = args.env.trim() === "all" ? undefined : args.env;
    envs = loadEnvironments({ dir: path.resolve(root, args.environments ?? "environments"), root, select });
  } catch (e) {
    if (e instanceof ConfigError) return { code: 2, stdout: "", stderr: `${e.message}\n` };
    throw e;
  }
  let rows = stackRows(envs);
  let stderr = "";
  if (args.remoteState) {
    const local = rows.filter((r) => r.backend === "local");
    // GitHub shows `::warning::` lines on stderr as annotations on the run.
    for (const r of local) {
      stderr += `::warning title=${r.stack} skipped::${r.stack} keeps its state in a local file, which a CI runner would lose; set a remote backend in environments/${r.env}.ts (clouds.${r.cloud}.backend) to deploy it from GitHub\n`;
    }
    rows = rows.filter((r) => r.backend !== "local");
  }
  const json = args.matrix ? JSON.stringify(rows) : JSON.stringify(rows.map((r) => r.stack));
  return { code: 0, stdout: `${json}\n`, stderr };
}

if (require.main === module) {
  const r = run(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
