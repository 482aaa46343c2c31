/**
 * `npm run promote -- <command>`: promote, rollback, retire and status for the GitOps deployments.
 * Parses options with commander, runs the promotion, prints progress lines and a summary (or JSON with
 * --json), and sets the exit code: 0 done or nothing to do, 2 invalid input, 3 held by the gate, 1 other.
 * Reads GITHUB_TOKEN and GITHUB_API_URL from the environment and never prints the token. Relative
 * --source, --repo and --environments are relative to where the user ran the command (npm's INIT_CWD).
 * Ctrl-C and SIGTERM stop git and remove the temporary clone before exiting (130, 143).
 * `main(args, io)` is the whole command without the process around it (tests run it in-process).
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { Command, CommanderError, Option } from "commander";
import { PromotionRequest } from "./context";
import { EXIT, InputError, redact } from "./errors";
import { normalizeRepoUrl } from "./git-environment";
import { DEFAULT_ENVIRONMENTS_DIR, PromotionResult, runPromotion } from "./promote";
import { formatStatus, readStatus } from "./status";
import { abortAndClean } from "./temp-folders";

/** Where the command's output goes and where it runs: the process's own streams and folder by default. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The folder the command runs in (npm's INIT_CWD wins when set). @default process.cwd() */
  readonly cwd: string;
}

/** Where relative paths on the command line are relative to: npm runs scripts from the project root. */
export function userCwd(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return env.INIT_CWD && path.isAbsolute(env.INIT_CWD) ? env.INIT_CWD : cwd;
}

// One run's output and exit code: set by main() for the time of its run.
interface Run extends CliIo {
  exitCode: number;
}

/** A path option against the user's folder. */
function userPath(run: Run, p: string): string {
  return path.resolve(userCwd(process.env, run.cwd), p);
}

/** --repo: URLs as given, local paths against the user's folder. */
function userRepo(run: Run, url: string): string {
  return normalizeRepoUrl(url, userCwd(process.env, run.cwd));
}

/** Prints a failure before any result exists: JSON on stdout with --json, one line on stderr always. */
function fail(run: Run, json: boolean | undefined, exitCode: number, message: string): void {
  const msg = redact(message);
  run.exitCode = exitCode;
  if (json) run.stdout(`${JSON.stringify({ exitCode, outcome: exitCode === EXIT.invalidInput ? "invalid-input" : "failed", message: msg })}\n`);
  run.stderr(`error: ${msg}\n`);
}

interface CommonOptions {
  repo?: string;
  base: string;
  environments: string;
  githubRepo?: string;
  json?: boolean;
  dryRun?: boolean;
}

/** The project's own origin: the default target, so the stacks read what the promoter writes. */
function defaultRepo(): string {
  const r = spawnSync("git", ["-C", path.resolve(__dirname, ".."), "remote", "get-url", "origin"], { encoding: "utf8" });
  const url = r.status === 0 ? r.stdout.trim() : "";
  if (!url) throw new InputError([{ file: "command line", field: "--repo", expected: "the target repository URL (this project has no origin remote to default to)", found: "nothing" }]);
  return url;
}

function out(run: Run, json: boolean | undefined) {
  // With --json, stdout carries only the JSON document; progress goes to stderr.
  return (line: string) => (json ? run.stderr : run.stdout)(`${redact(line)}\n`);
}

function summaryLine(r: PromotionResult): string {
  const files = `${r.added.length} added, ${r.changed.length} changed, ${r.deleted.length} deleted`;
  const gate = r.gate.map((d) => `${d.model} ${d.outcome}`).join(", ");
  return `summary: ${r.outcome} (exit ${r.exitCode}): ${r.message}${r.outcome === "invalid-input" ? "" : ` | ${files}${gate ? ` | gate: ${gate}` : ""}`}`;
}

async function execute(run: Run, request: Omit<PromotionRequest, "repoUrl" | "base" | "dryRun">, o: CommonOptions): Promise<void> {
  const log = out(run, o.json);
  let result: PromotionResult;
  try {
    const full: PromotionRequest = {
      ...request,
      sourceDir: request.sourceDir === undefined ? undefined : userPath(run, request.sourceDir),
      repoUrl: o.repo !== undefined ? userRepo(run, o.repo) : defaultRepo(),
      base: o.base,
      dryRun: o.dryRun ?? false,
    };
    result = await runPromotion({ request: full, environmentsDir: userPath(run, o.environments), githubRepo: o.githubRepo, log, root: userCwd(process.env, run.cwd) });
  } catch (e) {
    fail(run, o.json, e instanceof InputError ? EXIT.invalidInput : EXIT.failure, e instanceof Error ? e.message : String(e));
    return;
  }
  if (o.json) {
    run.stdout(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    if (result.exitCode !== EXIT.ok) run.stderr(`error: ${result.message}\n`);
    log(summaryLine(result));
  }
  run.exitCode = result.exitCode;
}

function common(cmd: Command, withDryRun = true): Command {
  cmd
    .option("--repo <url>", "target git repository (any URL git accepts, or a local path)", undefined)
    .option("--base <branch>", "branch the environments live on", "main")
    .option("--environments <dir>", "folder with the environment rules (environments/*.ts)", DEFAULT_ENVIRONMENTS_DIR)
    .option("--github-repo <owner/name>", "repository on GitHub for pull requests (default: GITHUB_REPOSITORY or the --repo URL)")
    .option("--json", "print one JSON document on stdout (progress goes to stderr)");
  if (withDryRun) cmd.option("--dry-run", "print the plan and the gate decision; push nothing");
  return cmd;
}

/** Builds the commander program for one run (its output and exit code go to `run`). */
function program(run: Run): Command {
  // Usage errors throw a CommanderError (main() turns it into exit 2); help and errors go to run's streams.
  const p = new Command("promote")
    .description("GitOps promoter: DAGs and model manifests into deployments/<env>/")
    .exitOverride()
    .configureOutput({ writeOut: (t) => run.stdout(t), writeErr: (t) => run.stderr(t) });
  p.showHelpAfterError(false);

  common(
    p
      .command("promote")
      .description("promote a source folder, or what one environment runs, into --env")
      .requiredOption("--env <env>", "target environment")
      .addOption(new Option("--source <dir>", "folder with dags/** and/or models/<name>.json").conflicts("fromEnv"))
      .option("--from-env <env>", "promote what this environment runs (must be --env's promotion.from)")
      .option("--model <name...>", "only these models (the DAG set is then left alone)")
      .option("--allow-empty-dags", "accept a dags/ without DAG files: deletes every DAG of --env")
      .option("--max-dag-file-mb <n>", "largest DAG file accepted, in MB (bigger ones are invalid input)", "10"),
  ).action(async (o: CommonOptions & { env: string; source?: string; fromEnv?: string; model?: string[]; allowEmptyDags?: boolean; maxDagFileMb: string }) => {
    if ((o.source === undefined) === (o.fromEnv === undefined)) {
      fail(run, o.json, EXIT.invalidInput, `command line: --source / --from-env: expected exactly one of them, found ${o.source ? "both" : "neither"}`);
      return;
    }
    const mb = Number(o.maxDagFileMb);
    if (!/^\d+(\.\d+)?$/.test(o.maxDagFileMb.trim()) || !(mb > 0)) {
      fail(run, o.json, EXIT.invalidInput, `command line: --max-dag-file-mb: expected a number of megabytes above 0, found ${JSON.stringify(o.maxDagFileMb)}`);
      return;
    }
    const maxDagFileBytes = Math.floor(mb * 1024 * 1024);
    await execute(run, { kind: "promote", env: o.env, sourceDir: o.source, fromEnv: o.fromEnv, models: o.model, allowEmptyDags: o.allowEmptyDags ?? false, maxDagFileBytes }, o);
  });

  common(
    p
      .command("rollback")
      .description("open a pull request restoring an earlier manifest version from the environment's history")
      .requiredOption("--env <env>", "environment")
      .requiredOption("--model <name>", "model to roll back")
      .requiredOption("--to-version <version>", "version to restore")
      .requiredOption("--reason <text>", "why (goes into the commit and the pull request)"),
  ).action(async (o: CommonOptions & { env: string; model: string; toVersion: string; reason: string }) => {
    await execute(run, { kind: "rollback", env: o.env, rollback: { model: o.model, toVersion: o.toVersion, reason: o.reason } }, o);
  });

  common(
    p
      .command("retire")
      .description("remove a model's manifest from an environment (the only way a model leaves one)")
      .requiredOption("--env <env>", "environment")
      .requiredOption("--model <name>", "model to retire")
      .requiredOption("--reason <text>", "why (goes into the commit and the pull request)"),
  ).action(async (o: CommonOptions & { env: string; model: string; reason: string }) => {
    await execute(run, { kind: "retire", env: o.env, retire: { model: o.model, reason: o.reason } }, o);
  });

  common(p.command("status").description("environments x models, DAG counts, open promotion pull requests"), false).action(async (o: CommonOptions) => {
    try {
      const s = await readStatus({ repoUrl: o.repo !== undefined ? userRepo(run, o.repo) : defaultRepo(), base: o.base, environmentsDir: userPath(run, o.environments), githubRepo: o.githubRepo, root: userCwd(process.env, run.cwd) });
      run.stdout(o.json ? `${JSON.stringify({ exitCode: EXIT.ok, outcome: "status", ...s }, null, 2)}\n` : formatStatus(s));
      run.exitCode = EXIT.ok;
    } catch (e) {
      fail(run, o.json, e instanceof InputError ? EXIT.invalidInput : EXIT.failure, e instanceof Error ? e.message : String(e));
    }
  });
  return p;
}

/**
 * Runs the command line `args` (without node and the script) and resolves to its exit code: 0 done or
 * nothing to do, 2 invalid input (usage errors included), 3 held by the gate, 1 other. It never exits the
 * process and never throws; output goes to `io` (the process's streams by default).
 */
export async function main(args: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const run: Run = {
    stdout: io.stdout ?? ((t) => process.stdout.write(t)),
    stderr: io.stderr ?? ((t) => process.stderr.write(t)),
    cwd: io.cwd ?? process.cwd(),
    exitCode: EXIT.ok,
  };
  const json = args.includes("--json");
  try {
    await program(run).parseAsync([...args], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors are invalid input, and --json still gets its document.
      if (e.exitCode === 0) return 0;
      if (json) run.stdout(`${JSON.stringify({ exitCode: EXIT.invalidInput, outcome: "invalid-input", message: `command line: ${e.message.replace(/^error: /, "")}` })}\n`);
      return EXIT.invalidInput;
    }
    fail(run, json, e instanceof InputError ? EXIT.invalidInput : EXIT.failure, e instanceof Error ? e.message : String(e));
  }
  return run.exitCode;
}

/** Ctrl-C / SIGTERM: stop git, remove the temporary clones, exit 128 + signal number. */
function onSignal(signal: NodeJS.Signals, code: number): void {
  process.once(signal, () => {
    process.stderr.write(`error: interrupted (${signal}): stopping git and removing the temporary clone; nothing more is pushed\n`);
    abortAndClean();
    // git may still be writing for a moment after the kill: remove again, then leave.
    setTimeout(() => {
      abortAndClean();
      process.exit(code);
    }, 200);
  });
}

if (require.main === module) {
  onSignal("SIGINT", 130);
  onSignal("SIGTERM", 143);
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
