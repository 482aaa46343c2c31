/**
 * The shared context every promotion step reads and writes, and the StepResult a step returns.
 * Steps pass their outputs (base commit, plan, gate decisions, commit id, PR URL) through it.
 * Types only: no behaviour lives here.
 */
import { EnvironmentConfig } from "../environments/schema";
import { ConfigProblem } from "../modules/core/errors";
import { GitWorkspace } from "./git-workspace";
import { PromotionGitHub, PullRequestInfo } from "./github-client";
import { ModelManifest } from "../modules/core/model-manifest";
import { GateDecision } from "./metric-gate";
import { ChangePlan, DesiredState, EnvTree } from "./plan-changes";
import { PromotionSource } from "./source";
import { BaseReading } from "./step-helpers";

/** What the user asked for, after option parsing. */
export interface PromotionRequest {
  readonly kind: "promote" | "rollback" | "retire";
  /** The target environment. */
  readonly env: string;
  readonly repoUrl: string;
  /** @default "main" */
  readonly base: string;
  readonly dryRun: boolean;
  /** `promote --source <dir>`. */
  readonly sourceDir?: string;
  /** `promote --from-env <env>`: what that environment runs in the target repository. */
  readonly fromEnv?: string;
  /** Accept a source whose dags/ holds no DAG file, deleting every DAG of the environment. @default false */
  readonly allowEmptyDags?: boolean;
  /** Largest DAG file accepted, in bytes (--max-dag-file-mb). @default DEFAULT_MAX_DAG_FILE_BYTES (10 MB) */
  readonly maxDagFileBytes?: number;
  /** Only these models of the source. @default - all of them */
  readonly models?: readonly string[];
  /** `rollback`: the model and the version to restore. */
  readonly rollback?: { readonly model: string; readonly toVersion: string; readonly reason: string };
  /** `retire`: the model to remove. */
  readonly retire?: { readonly model: string; readonly reason: string };
}

/** A pull request the promotion opened, updated, or found already up to date. */
export interface PromotionPull extends PullRequestInfo {
  readonly action: "opened" | "updated" | "unchanged";
}

/** Shared state of one promotion run. */
export interface PromotionContext {
  readonly request: PromotionRequest;
  /** The target environment's promotion rules (from environments/<env>.ts). */
  readonly rules: EnvironmentConfig["promotion"];
  /** True when the change goes through a pull request (pull-request mode, and every rollback). */
  readonly viaPullRequest: boolean;
  /** Present when a pull request may be opened (not in dry runs). */
  readonly github?: PromotionGitHub;
  /** Temp folder the run owns (clones live here). */
  readonly workRoot: string;
  /** What file names in problems are relative to. */
  readonly root: string;
  /** Push attempts before giving up on a remote that keeps moving. */
  readonly maxPushAttempts: number;
  /** One progress line. */
  readonly log: (line: string) => void;

  workspace?: GitWorkspace;
  /** A clone started before the fetch step (steps/fetch.ts startFetch), which the step takes over. */
  pendingFetch?: PendingFetch;
  baseCommit?: string;
  /** `deployments/<env>/` at baseCommit, blob ids by path below it. */
  baseTree?: EnvTree;
  /** Valid manifests deployed in the target environment at baseCommit. */
  deployed?: Record<string, ModelManifest>;
  /** Invalid manifests found in the target environment (reported; fatal only for a model being promoted). */
  deployedProblems?: readonly ConfigProblem[];
  source?: PromotionSource;
  /** Where the promotion comes from, for messages: `source <folder name>`, `env dev`, `rollback`, `retire`. */
  sourceLabel?: string;
  desired?: DesiredState;
  plan?: ChangePlan;
  gate: GateDecision[];
  /** The branch pushed to: the base in direct mode, `promote/<env>/...` otherwise. */
  branch?: string;
  /** The PR branch already exists on the remote with this change (a re-run): nothing to commit or push. */
  branchExists?: boolean;
  commit?: string;
  pushed: boolean;
  pushAttempts: number;
  /** The last push found the branch moved: the next push attempt re-applies on the new head first. */
  pushBehind?: boolean;
  /** Lines the commit message and the pull request carry besides the plan (a broken manifest replaced). */
  notes: string[];
  pullRequest?: PromotionPull;
}

/** A clone under way and the reading of its base; `cancel` stops it and removes what it made. */
export interface PendingFetch {
  readonly result: Promise<{ readonly workspace: GitWorkspace; readonly base: BaseReading }>;
  cancel(): Promise<void>;
}

/** How a step ended: succeeded, skipped (nothing to do), failed (terminal: bad input, gate, conflict), errored (I/O, bug). */
export type StepStatus = "succeeded" | "skipped" | "failed" | "errored";

/** What a step returns; a thrown error is turned into `failed` or `errored` by the engine. */
export interface StepResult {
  readonly status: StepStatus;
  /** One line for the progress output. */
  readonly summary: string;
  readonly error?: Error;
}

/** How often the engine runs a step that threw a RetryableError, and how long it waits before each retry. */
export interface RetryPolicy {
  readonly attempts: number;
  /** Wait before attempt `attempt + 1`. */
  delayMs(attempt: number): number;
}

/** One step of a promotion. */
export interface Step {
  /** Progress label: validate, fetch, diff, commit, check github, push, pull request. */
  readonly name: string;
  run(ctx: PromotionContext): Promise<StepResult>;
  /** This step's retries. @default - the engine's (3 attempts, exponential backoff) */
  retry?(ctx: PromotionContext): RetryPolicy;
}

/** Shorthands for steps. */
export const succeeded = (summary: string): StepResult => ({ status: "succeeded", summary });
export const skipped = (summary: string): StepResult => ({ status: "skipped", summary });
