/**
 * `status`: what every environment runs (model, version, digest, primary metric), how many DAG files
 * it has, and the open promotion pull requests. Reads a shallow sparse clone of `deployments/`; changes
 * nothing. Pull requests are listed only when GITHUB_TOKEN and the GitHub repository are known.
 */
import * as fs from "fs";
import * as path from "path";
import { loadRules } from "./environment-rules";
import { formatProblem } from "../modules/core/errors";
import { readManifestFolder } from "../modules/core/deployed-manifests";
import { makeTempFolder, removeTempFolder } from "./temp-folders";
import { GitWorkspace } from "./git-workspace";
import { PromotionGitHub, PullRequestInfo, createGitHub, resolveGithubRepo } from "./github-client";
import { digestOf } from "../modules/core/model-manifest";


/** One model in one environment. */
export interface StatusRow {
  readonly env: string;
  readonly model: string;
  readonly version: string;
  readonly digest: string;
  readonly primaryMetric: string;
  readonly value: number;
}

/** The whole picture. */
export interface PromotionStatus {
  readonly commit: string;
  readonly environments: readonly { readonly env: string; readonly mode: string; readonly dags: number; readonly problems: readonly string[] }[];
  readonly models: readonly StatusRow[];
  /** Open `promote/` pull requests; undefined when GitHub is not configured. */
  readonly pullRequests?: readonly PullRequestInfo[];
}

/** What `status` needs. */
export interface StatusOptions {
  readonly repoUrl: string;
  readonly base: string;
  readonly environmentsDir: string;
  /** What file names in problems are relative to. @default process.cwd() */
  readonly root?: string;
  readonly githubRepo?: string;
  /** @default - octokit from GITHUB_TOKEN / GITHUB_API_URL when both token and repo are known */
  readonly github?: PromotionGitHub;
}

/** Reads the deployed state of every environment. */
export async function readStatus(opts: StatusOptions): Promise<PromotionStatus> {
  const envs = loadRules(opts.environmentsDir, opts.root);
  const workRoot = makeTempFolder("mlops-status");
  try {
    const ws = await GitWorkspace.clone({ url: opts.repoUrl, branch: opts.base, dir: path.join(workRoot, "clone"), sparse: ["deployments"] });
    const commit = await ws.head();
    const deploymentsDir = path.join(ws.dir, "deployments");
    const onDisk = fs.existsSync(deploymentsDir) ? fs.readdirSync(deploymentsDir).filter((d) => fs.statSync(path.join(deploymentsDir, d)).isDirectory()) : [];
    const modes = new Map(envs.map((e) => [e.config.name, e.config.promotion.mode as string]));
    const names = [...envs.map((e) => e.config.name), ...onDisk.filter((d) => !modes.has(d)).sort()];
    const environments = [];
    const models: StatusRow[] = [];
    for (const env of names) {
      const tree = await ws.tree(commit, `deployments/${env}`);
      const read = readManifestFolder(path.join(deploymentsDir, env, "models"), ws.dir);
      environments.push({ env, mode: modes.get(env) ?? "unknown (no environments file)", dags: [...tree.keys()].filter((p) => p.startsWith("dags/")).length, problems: read.problems.map(formatProblem) });
      for (const m of Object.values(read.manifests)) {
        models.push({ env, model: m.name, version: m.version, digest: digestOf(m), primaryMetric: m.primaryMetric, value: m.metrics[m.primaryMetric] });
      }
    }
    let github = opts.github;
    const gh = resolveGithubRepo(opts.githubRepo, opts.repoUrl);
    if (!github && gh && process.env.GITHUB_TOKEN) {
      github = createGitHub({ owner: gh.owner, repo: gh.repo, token: process.env.GITHUB_TOKEN, baseUrl: process.env.GITHUB_API_URL });
    }
    const pullRequests = github ? await github.listOpenPromotionPulls() : undefined;
    return { commit, environments, models, pullRequests };
  } finally {
    removeTempFolder(workRoot);
  }
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

/** The status as the tables people read. */
export function formatStatus(s: PromotionStatus): string {
  const lines: string[] = [`deployments at ${s.commit.slice(0, 12)}`, ""];
  const rows: string[][] = [["ENV", "MODEL", "VERSION", "DIGEST", "PRIMARY METRIC"]];
  for (const e of s.environments) {
    const ms = s.models.filter((m) => m.env === e.env);
    if (ms.length === 0) rows.push([e.env, "-", "-", "-", "-"]);
    for (const m of ms) rows.push([e.env, m.model, m.version, `${m.digest.slice(0, 19)}...`, `${m.primaryMetric}=${m.value}`]);
  }
  lines.push(table(rows), "");
  lines.push(table([["ENV", "MODE", "DAG FILES"], ...s.environments.map((e) => [e.env, e.mode, String(e.dags)])]), "");
  for (const e of s.environments) for (const p of e.problems) lines.push(`warning: ${p}`);
  if (s.pullRequests === undefined) {
    lines.push("open promotion pull requests: not listed (set GITHUB_TOKEN and --github-repo or GITHUB_REPOSITORY)");
  } else if (s.pullRequests.length === 0) {
    lines.push("open promotion pull requests: none");
  } else {
    lines.push("open promotion pull requests:");
    for (const pr of s.pullRequests) lines.push(`  #${pr.number} ${pr.title} (${pr.head} -> ${pr.base}) ${pr.url}`);
  }
  return `${lines.join("\n")}\n`;
}
