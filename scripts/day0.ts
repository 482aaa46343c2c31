/**
 * Day 0 of one (environment, cloud): from an empty account, subscription or project to a platform
 * that CI deploys.
 *   npm run day0 -- --env dev --cloud aws --dry-run     prints every step's commands, runs nothing
 *   npm run day0 -- --env dev --cloud aws               runs them in order (bash, from the project root),
 *                                                        stopping at the first failure
 *   npm run day0 -- --env prod --cloud gcp --reviewers alice,bob   who approves prod's deploys
 * Exit codes: 0 done (or printed), 2 bad input (unknown environment or cloud, a cloud the environment does
 * not have, local state), 1 a step failed (its number and command are printed).
 * The README's day-0 section is the `--dry-run` output for dev (a test keeps them equal).
 * The plan synthesizes the (environment, cloud) platform stack in-process (a few seconds) and reads the
 * foundation and database `-target` lists and the secrets to set from it (scripts/day0-foundation.ts).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CLOUDS, CloudName, LoadedEnvironment, loadEnvironments } from "../environments";
import { ConfigError } from "../modules/core/errors";
import { SERVICE_CATALOG } from "../services/catalog";
import { resolveServices } from "../services/resolve";
import { buildPlatformApp } from "../stacks/platform-app";
import { StackJson } from "./day0-foundation";
import { Day0InputError, Day0Step, day0Steps, renderSteps } from "./day0-steps";

/** What one run printed and its exit code; `run` never exits the process itself (tests call it). */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface Args {
  readonly env?: string;
  readonly cloud?: string;
  readonly dryRun: boolean;
  readonly reviewers: string[];
  readonly environments?: string;
}

const USAGE = "usage: npm run day0 -- --env <name> --cloud <aws|azure|gcp> [--dry-run] [--reviewers <login,...>] [--environments <dir>]";

/** Parses the options; throws with a message naming the bad one. */
export function parseArgs(argv: readonly string[]): Args {
  let env: string | undefined;
  let cloud: string | undefined;
  let environments: string | undefined;
  let dryRun = false;
  let reviewers: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--env") env = value();
    else if (a === "--cloud") cloud = value();
    else if (a === "--environments") environments = value();
    else if (a === "--reviewers") reviewers = value().split(",").map((r) => r.trim()).filter(Boolean);
    else if (a === "--dry-run") dryRun = true;
    else throw new Error(`unknown option ${JSON.stringify(a)}`);
  }
  for (const r of reviewers) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(r)) throw new Error(`--reviewers: expected GitHub logins, found ${JSON.stringify(r)}`);
  }
  return { env, cloud, dryRun, reviewers, environments };
}

/** Builds the plan for the arguments, or the exit-2 message. */
export function plan(argv: readonly string[], root: string): { steps: Day0Step[]; text: string; dryRun: boolean } | { error: string } {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return { error: `day0: ${(e as Error).message}\n${USAGE}` };
  }
  if (!args.env) return { error: `day0: --env is required\n${USAGE}` };
  if (!args.cloud) return { error: `day0: --cloud is required\n${USAGE}` };
  if (!(CLOUDS as readonly string[]).includes(args.cloud)) {
    return { error: `day0: --cloud: expected one of ${CLOUDS.join(", ")}, found ${JSON.stringify(args.cloud)}` };
  }
  const cloud = args.cloud as CloudName;
  let all: LoadedEnvironment[];
  try {
    all = loadEnvironments({ dir: path.resolve(root, args.environments ?? "environments"), root });
  } catch (e) {
    if (e instanceof ConfigError) return { error: e.message };
    throw e;
  }
  const loaded = all.find((l) => l.config.name === args.env);
  if (!loaded) {
    return { error: `day0: --env: expected one of ${all.map((l) => l.config.name).join(", ")}, found ${JSON.stringify(args.env)}` };
  }
  const resolved = resolveServices(loaded.config, SERVICE_CATALOG, {}, loaded.file);
  if (resolved.problems.length > 0) return { error: new ConfigError(resolved.problems).message };
  try {
    const cfg = loaded.config.clouds[cloud];
    const stack = cfg && cfg.backend.type !== "local" ? synthesizedStack(loaded, cloud, root) : {};
    const steps = day0Steps(loaded.config, cloud, { services: resolved.services, stack, reviewers: args.reviewers, file: loaded.file });
    return { steps, text: renderSteps(loaded.config, cloud, steps), dryRun: args.dryRun };
  } catch (e) {
    if (e instanceof Day0InputError) return { error: `day0: ${e.message}` };
    throw e;
  }
}

/**
 * The platform stack of (environment, cloud) as `npm run synth` writes it (same code, same promoted
 * manifests), synthesized into a temporary folder: the foundation targets and secret names are read from it.
 */
export function synthesizedStack(loaded: LoadedEnvironment, cloud: CloudName, root: string): StackJson {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "day0-synth-"));
  try {
    const only = { ...loaded, config: { ...loaded.config, clouds: { [cloud]: loaded.config.clouds[cloud] } } };
    const built = buildPlatformApp({ outdir, environments: [only], catalog: SERVICE_CATALOG, deploymentsDir: path.join(root, "deployments"), root });
    built.app.synth();
    return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", `${loaded.config.name}-${cloud}`, "cdk.tf.json"), "utf8")) as StackJson;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/** `--dry-run` and bad input: everything `run` would print, without running a command. */
export function run(argv: readonly string[], root: string = path.resolve(__dirname, "..")): CliResult {
  const p = plan(argv, root);
  if ("error" in p) return { code: 2, stdout: "", stderr: `${p.error}\n` };
  if (p.dryRun) return { code: 0, stdout: p.text, stderr: "" };
  return { code: execute(p.steps, { cwd: root }), stdout: "", stderr: "" };
}

/** Where and how `execute` runs the commands. */
export interface ExecuteOptions {
  /** The project root: every command runs there. */
  readonly cwd: string;
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where progress and failures are written. @default process.stdout / process.stderr */
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
}

/**
 * Runs each command with bash (errexit, pipefail) in the project root, stdin and output inherited, in order;
 * returns 1 at the first failure (naming its step and command), 0 when every command succeeded.
 */
export function execute(steps: readonly Day0Step[], opts: ExecuteOptions): number {
  const out = opts.out ?? ((t: string) => process.stdout.write(t));
  const err = opts.err ?? ((t: string) => process.stderr.write(t));
  for (const [i, step] of steps.entries()) {
    out(`\n# ${i + 1}. ${step.title}\n`);
    if (step.note) out(`${step.note.split("\n").map((n) => `#    ${n}`).join("\n")}\n`);
    for (const command of step.commands) {
      out(`$ ${command}\n`);
      const r = spawnSync("bash", ["-euo", "pipefail", "-c", command], { cwd: opts.cwd, env: opts.env ?? process.env, stdio: "inherit" });
      if (r.status !== 0) {
        err(`day0: step ${i + 1} (${step.title}) failed: ${command}\nfix the cause and re-run from this step's commands (npm run day0 -- ... --dry-run lists them)\n`);
        return 1;
      }
    }
  }
  return 0;
}

if (require.main === module) {
  const r = run(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
