/**
 * One promotion, rollback or retire from start to end: loads the environment rules, checks the request
 * against them, wires the GitHub client, runs the steps through the engine in a temp folder it removes,
 * and returns a result with its exit code. It prints only through the `log` it is given.
 */
import * as path from "path";
import { EnvironmentConfig } from "../environments/schema";
import { PromotionContext, PromotionPull, PromotionRequest, Step } from "./context";
import { runSteps } from "./engine";
import { environmentRules } from "./environment-rules";
import { ExitCode, InputError, redact } from "./errors";
import { GitHubOptions, PromotionGitHub, createGitHub, resolveGithubRepo } from "./github-client";
import { GateDecision } from "./metric-gate";
import { Outcome, decideOutcome } from "./outcome";
import { hasChanges } from "./step-helpers";
import { checkGithubStep } from "./steps/check-github";
import { commitStep } from "./steps/commit";
import { diffStep } from "./steps/diff";
import { fetchStep, startFetch } from "./steps/fetch";
import { pullRequestStep } from "./steps/pull-request";
import { pushStep } from "./steps/push";
import { validateStep } from "./steps/validate";
import { makeTempFolder, removeTempFolder } from "./temp-folders";

/** This project's environments folder: the rules every promotion follows unless told otherwise. */
export const DEFAULT_ENVIRONMENTS_DIR = path.resolve(__dirname, "..", "environments");

/** How to run a promotion. */
export interface RunOptions {
  readonly request: PromotionRequest;
  /** @default DEFAULT_ENVIRONMENTS_DIR */
  readonly environmentsDir?: string;
  /** What file names in messages are relative to. @default process.cwd() */
  readonly root?: string;
  /** `owner/name` on GitHub. @default - GITHUB_REPOSITORY, else parsed from the repo URL */
  readonly githubRepo?: string;
  /** Injected GitHub client (tests). @default - octokit with GITHUB_TOKEN and GITHUB_API_URL */
  readonly github?: PromotionGitHub;
  /** @default 10 */
  readonly maxPushAttempts?: number;
  /** Timeout and retry settings of the GitHub client built from GITHUB_TOKEN (tests). @default - 30 s, 3 retries */
  readonly githubClient?: Pick<GitHubOptions, "timeoutMs" | "retries" | "retryAfterBaseMs" | "throttle">;
  /** Progress lines. @default - none */
  readonly log?: (line: string) => void;
}

/** What happened, for the summary line and `--json`. */
export interface PromotionResult {
  readonly exitCode: ExitCode;
  readonly outcome: Outcome;
  readonly env: string;
  readonly mode?: "direct" | "pull-request";
  readonly message: string;
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly deleted: readonly string[];
  readonly gate: readonly GateDecision[];
  readonly baseCommit?: string;
  readonly commit?: string;
  readonly branch?: string;
  readonly pushed: boolean;
  readonly pushAttempts: number;
  readonly pullRequest?: PromotionPull;
  readonly steps: readonly { readonly name: string; readonly status: string; readonly summary: string; readonly ms: number }[];
}

function checkRequest(req: PromotionRequest, config: EnvironmentConfig): void {
  const from = config.promotion.from;
  // The command line is what is wrong here: the environment file only says what is allowed.
  if (req.fromEnv !== undefined && req.fromEnv !== from) {
    throw new InputError([
      {
        file: "command line",
        field: "--from-env",
        expected:
          from === undefined
            ? `no --from-env: ${req.env} takes no promotions from another environment (no promotion.from in its environment file); use --source`
            : `${JSON.stringify(from)} (${req.env} is promoted from ${from} only: promotion.from in its environment file)`,
        found: JSON.stringify(req.fromEnv),
      },
    ]);
  }
  if (req.fromEnv !== undefined && req.fromEnv === req.env) {
    throw new InputError([{ file: "command line", field: "--from-env", expected: "an environment other than --env", found: JSON.stringify(req.fromEnv) }]);
  }
  const model = req.rollback?.model ?? req.retire?.model;
  if (model !== undefined && !/^[a-z][a-z0-9-]{0,62}$/.test(model)) {
    throw new InputError([{ file: "command line", field: "--model", expected: "a kebab-case model name", found: JSON.stringify(model) }]);
  }
  const reason = req.rollback?.reason ?? req.retire?.reason;
  if (reason !== undefined && reason.trim().length < 10) {
    throw new InputError([{ file: "command line", field: "--reason", expected: "a reason of at least 10 characters (it is the audit trail)", found: JSON.stringify(reason) }]);
  }
}

/** Runs one promotion (or rollback, or retire) and returns its result; never throws. */
export async function runPromotion(opts: RunOptions): Promise<PromotionResult> {
  const req = opts.request;
  const log = opts.log ?? (() => undefined);
  const root = opts.root ?? process.cwd();
  let workRoot: string | undefined;
  let ctx: PromotionContext | undefined;
  const base = { env: req.env, added: [], changed: [], deleted: [], gate: [], pushed: false, pushAttempts: 0, steps: [] };
  try {
    const config = environmentRules(opts.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR, req.env, root);
    checkRequest(req, config);
    const viaPullRequest = config.promotion.mode === "pull-request" || req.kind === "rollback";
    let github = opts.github;
    // A dry run needs what the real run needs, so that it ends with the same exit code.
    if (viaPullRequest && !github) {
      const token = process.env.GITHUB_TOKEN;
      const gh = resolveGithubRepo(opts.githubRepo, req.repoUrl);
      const problems = [];
      if (!token) problems.push({ file: "environment", field: "GITHUB_TOKEN", expected: `a token that may open pull requests (${req.env} is promoted by pull request)`, found: "nothing" });
      if (!gh) problems.push({ file: "command line", field: "--github-repo", expected: "owner/name of the repository on GitHub (or GITHUB_REPOSITORY, or a github.com --repo URL)", found: "nothing" });
      if (problems.length > 0) throw new InputError(problems);
      github = createGitHub({ owner: gh!.owner, repo: gh!.repo, token: token!, baseUrl: process.env.GITHUB_API_URL, ...opts.githubClient });
    }
    workRoot = makeTempFolder("mlops-promote");
    ctx = {
      request: req,
      rules: config.promotion,
      viaPullRequest,
      github,
      workRoot,
      root,
      maxPushAttempts: opts.maxPushAttempts ?? 10,
      log,
      gate: [],
      notes: [],
      pushed: false,
      pushAttempts: 0,
    };
    log(`${req.kind} into ${req.env} (${viaPullRequest ? "pull request" : "direct commit"}${req.dryRun ? ", dry run" : ""}) on ${redact(req.repoUrl)} ${req.base}`);
    const steps: Step[] =
      req.sourceDir !== undefined
        ? [validateStep, fetchStep, diffStep, checkGithubStep, commitStep, pushStep, pullRequestStep]
        : [fetchStep, validateStep, diffStep, checkGithubStep, commitStep, pushStep, pullRequestStep];
    // A --source is read without the clone and the clone needs nothing from it: the clone starts now and
    // runs while the source is validated (on the other core); the fetch step takes it over.
    if (req.sourceDir !== undefined) ctx.pendingFetch = startFetch(ctx);
    const run = await runSteps(steps, ctx);
    const plan = ctx.plan;
    const { outcome, exitCode } = decideOutcome({ error: run.error, hasChanges: hasChanges(ctx), dryRun: req.dryRun, viaPullRequest, pushed: ctx.pushed, branchExists: ctx.branchExists ?? false });
    return {
      ...base,
      exitCode,
      outcome,
      mode: config.promotion.mode,
      message: run.error ? redact(run.error.message) : describeOutcome(outcome, ctx),
      added: plan?.added ?? [],
      changed: plan?.changed ?? [],
      deleted: plan?.deleted ?? [],
      gate: ctx.gate,
      baseCommit: ctx.baseCommit,
      commit: ctx.pushed || ctx.branchExists ? ctx.commit : undefined,
      branch: ctx.branch,
      pushed: ctx.pushed,
      pushAttempts: ctx.pushAttempts,
      pullRequest: ctx.pullRequest,
      steps: run.steps.map((s) => ({ name: s.name, status: s.result.status, summary: s.result.summary, ms: s.ms })),
    };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return { ...base, ...decideOutcome({ error, hasChanges: false, dryRun: req.dryRun, viaPullRequest: false, pushed: false, branchExists: false }), message: redact(error.message) };
  } finally {
    // Validation failed before the fetch step took the early clone: stop it and remove it.
    await ctx?.pendingFetch?.cancel();
    ctx?.workspace?.dispose();
    if (workRoot) removeTempFolder(workRoot);
  }
}

function describeOutcome(outcome: PromotionResult["outcome"], ctx: PromotionContext): string {
  const env = ctx.request.env;
  switch (outcome) {
    case "nothing-to-do":
      return `nothing to do: ${env} already runs this`;
    case "dry-run":
      return `dry run: would ${ctx.viaPullRequest ? `propose ${ctx.branch} by pull request` : `commit on ${ctx.request.base}`}; nothing touched`;
    case "proposed": {
      const pr = ctx.pullRequest;
      return pr ? `pull request #${pr.number} ${pr.action}: ${pr.url}` : `pushed ${ctx.branch}`;
    }
    case "promoted":
      return `promoted into ${env}: ${ctx.commit?.slice(0, 12)} on ${ctx.request.base}`;
    default:
      return outcome;
  }
}
