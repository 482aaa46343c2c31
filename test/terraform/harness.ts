/**
 * Runs the real terraform CLI (init, validate, plan) on synthesized stacks, offline, as DESIGN.md
 * describes: a filesystem provider mirror, a CLI config written to a temp dir (never the user's
 * own), and an override file that swaps in fake credentials and a local backend.
 */
import { execFile, execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { oncePerRun } from "../support/once-per-run";

const run = promisify(execFile);

/** Where machine images keep a provider mirror, tried in order when TF_PLUGIN_MIRROR is unset. */
const MIRROR_CANDIDATES = ["/opt/tf-plugins", "/usr/share/terraform/plugins", "/usr/local/share/terraform/plugins", path.join(os.homedir(), ".terraform.d/plugins")];

/** Provider source addresses by local name. */
export const PROVIDER_SOURCES: Record<string, string> = {
  aws: "registry.terraform.io/hashicorp/aws",
  azurerm: "registry.terraform.io/hashicorp/azurerm",
  google: "registry.terraform.io/hashicorp/google",
};

export interface Availability {
  readonly ok: boolean;
  /** Why terraform cannot run here, when it cannot. */
  readonly reason?: string;
  /** Path of the CLI config file to pass as TF_CLI_CONFIG_FILE. */
  readonly cliConfig?: string;
}

/** Finds the mirror folder holding a provider, or undefined. */
export function findMirror(provider: string): string | undefined {
  const source = PROVIDER_SOURCES[provider];
  const candidates = process.env.TF_PLUGIN_MIRROR ? [process.env.TF_PLUGIN_MIRROR] : MIRROR_CANDIDATES;
  return candidates.find((dir) => fs.existsSync(path.join(dir, source)));
}

/**
 * Whether terraform can run for these providers: from the mirror offline, or from the registry
 * when TF_ONLINE=1. Writes a CLI config into `workDir`.
 */
export async function terraformAvailability(providers: readonly string[], workDir: string): Promise<Availability> {
  try {
    await run("terraform", ["version"], { env: terraformEnv() });
  } catch {
    return { ok: false, reason: "terraform is not on PATH" };
  }
  return providerAvailability(providers, workDir);
}

/**
 * The same check, synchronous: a suite decides at load time between `describe` and `describe.skip`,
 * so a missing terraform skips visibly instead of passing tests without assertions.
 */
export function terraformAvailabilitySync(providers: readonly string[], workDir: string): Availability {
  try {
    execFileSync("terraform", ["version"], { env: terraformEnv(), stdio: "ignore" });
  } catch {
    return { ok: false, reason: "terraform is not on PATH" };
  }
  return providerAvailability(providers, workDir);
}

/** Writes the CLI config for the providers' mirrors, or says which provider has none. */
function providerAvailability(providers: readonly string[], workDir: string): Availability {
  const online = process.env.TF_ONLINE === "1";
  const blocks: string[] = [];
  const mirrored: string[] = [];
  for (const p of providers) {
    const mirror = findMirror(p);
    if (mirror) {
      blocks.push(`  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = [${JSON.stringify(PROVIDER_SOURCES[p])}]\n  }`);
      mirrored.push(PROVIDER_SOURCES[p]);
    } else if (!online) {
      return { ok: false, reason: `no provider mirror holds ${PROVIDER_SOURCES[p]} (set TF_PLUGIN_MIRROR, or TF_ONLINE=1 with a network)` };
    }
  }
  blocks.push(mirrored.length > 0 ? `  direct {\n    exclude = [${mirrored.map((m) => JSON.stringify(m)).join(", ")}]\n  }` : "  direct {}");
  const cliConfig = path.join(workDir, "terraform.rc");
  fs.writeFileSync(cliConfig, `provider_installation {\n${blocks.join("\n")}\n}\n`);
  return { ok: true, cliConfig };
}

/** Environment for terraform: no checkpoint calls, no user config, nothing from the caller's TF_* settings. */
export function terraformEnv(cliConfig?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("TF_") && !k.startsWith("AWS_")) env[k] = v;
  env.CHECKPOINT_DISABLE = "1";
  env.TF_IN_AUTOMATION = "1";
  env.TF_INPUT = "0";
  if (cliConfig) env.TF_CLI_CONFIG_FILE = cliConfig;
  return env;
}

/** Overrides that let a plan run with fake credentials (AWS); a stack's backend is left as it is. */
export function awsProviderOverride(region: string): { provider: object } {
  return {
    provider: {
      aws: [
        {
          region,
          access_key: "test",
          secret_key: "test",
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          allowed_account_ids: null,
        },
      ],
    },
  };
}

/** Overrides that let a plan run with fake credentials and local state (AWS), for a stack planned as a root of its own. */
export function awsPlanOverride(region: string): object {
  return { ...awsProviderOverride(region), terraform: { backend: { local: { path: "terraform.tfstate" } } } };
}

export interface PlanResult {
  /** `terraform show -json` of the saved plan. */
  readonly plan: { resource_changes?: { address: string; type: string; change: { actions: string[]; after: Record<string, unknown> | null } }[] };
  readonly validateOutput: string;
}

/**
 * Copies a synthesized stack folder (with its assets) to a scratch dir, adds the override, and runs init,
 * validate and plan (with `planArgs`, e.g. `-target=...`). Throws with terraform's own output when any step fails.
 * The AWS suites plan through ./aws-plan-set.ts instead (one combined root for all of them); this is the
 * per-stack path (the Google suite, TF_ONLINE=1).
 *
 * Within one jest run, suites planning the same stack folder with the same override share one prepared
 * folder: the first one to arrive copies, inits and validates (a lock folder decides, across workers), the
 * others reuse its `.terraform` and validate output, and every caller runs its own plan and show into a plan
 * file of its own. Each terraform command loads the AWS provider's schema (3-5 s of CPU), so a shared
 * init + validate saves two of them per extra plan of a stack.
 */
export async function initValidatePlan(stackDir: string, override: object, cliConfig: string, planArgs: readonly string[] = []): Promise<PlanResult> {
  const env = terraformEnv(cliConfig);
  const { work, validateOutput } = await preparedWorkDir(stackDir, override, cliConfig, env);
  const planFile = `plan-${process.pid}-${Math.random().toString(36).slice(2)}.bin`;
  await terraform(work, env, ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", ...planArgs, `-out=${planFile}`]);
  const plan = JSON.parse(await terraform(work, env, ["show", "-json", planFile])) as PlanResult["plan"];
  fs.rmSync(path.join(work, planFile), { force: true });
  return { plan, validateOutput };
}

async function terraform(work: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  try {
    return (await run("terraform", [...args], { cwd: work, env, maxBuffer: 256 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`terraform ${args[0]} failed in ${work}:\n${err.stderr || ""}\n${err.stdout || ""}`);
  }
}

/** A copy of `stackDir` with the override, initialized and validated: shared within the jest run, else a fresh one. */
async function preparedWorkDir(stackDir: string, override: object, cliConfig: string, env: NodeJS.ProcessEnv): Promise<{ work: string; validateOutput: string }> {
  const prepare = async (work: string) => {
    fs.cpSync(stackDir, work, { recursive: true }); // cdk.tf.json and its assets (zipped function code)
    fs.writeFileSync(path.join(work, "test_override.tf.json"), JSON.stringify(override, null, 2));
    await terraform(work, env, ["init", "-input=false", "-no-color", "-backend=true"]);
    return terraform(work, env, ["validate", "-no-color"]);
  };
  const key = createHash("sha256")
    .update(JSON.stringify([fs.realpathSync(stackDir), override, fs.readFileSync(cliConfig, "utf8")]))
    .digest("hex")
    .slice(0, 16);
  const folder = await oncePerRun(`terraform-${path.basename(stackDir)}-${key}`, async (dir) => {
    fs.mkdirSync(path.join(dir, "work"));
    fs.writeFileSync(path.join(dir, "validate.txt"), await prepare(path.join(dir, "work")));
  });
  return { work: path.join(folder, "work"), validateOutput: fs.readFileSync(path.join(folder, "validate.txt"), "utf8") };
}

/**
 * Time a suite's beforeAll gives its terraform runs. The run's combined AWS plan (./aws-plan-set.ts) is
 * ~40 s of CPU; on a machine shared by several test runs that took minutes of wall time, so the limit
 * only catches a hung terraform.
 */
export const TERRAFORM_HOOK_TIMEOUT_MS = 600_000;

/** True when a missing terraform must fail the run (CI) instead of skipping. */
export function terraformRequired(): boolean {
  return process.env.REQUIRE_TERRAFORM === "1";
}

/**
 * `describe` when terraform can run, else `describe.skip` with the reason printed; with
 * REQUIRE_TERRAFORM=1 an unavailable terraform throws at load, which fails the suite.
 */
export function describeWithTerraform(availability: Availability, what: string): jest.Describe {
  if (availability.ok) return describe;
  if (terraformRequired()) throw new Error(`REQUIRE_TERRAFORM=1 but ${availability.reason}`);
  console.warn(`SKIPPED real-terraform ${what}: ${availability.reason}`);
  return describe.skip;
}
