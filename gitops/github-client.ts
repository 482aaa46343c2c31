/**
 * The GitHub side of a promotion, over octokit with the retry and throttling plugins: find, open and
 * update pull requests. Reads the token and API URL only from what it is given (cli.ts passes
 * GITHUB_TOKEN and GITHUB_API_URL) and never logs either. No git here, no decisions.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { RetryableError, redact } from "./errors";

/** The pull request facts the promoter uses. */
export interface PullRequestInfo {
  readonly number: number;
  readonly url: string;
  readonly title: string;
  readonly body: string;
  /** Branch name (without owner). */
  readonly head: string;
  readonly base: string;
}

/** What the promoter asks of GitHub; tests may pass another implementation. */
export interface PromotionGitHub {
  /** The open pull request from `head` into `base`, if any (Kargo's getExistingPR). */
  findOpenPull(head: string, base: string): Promise<PullRequestInfo | undefined>;
  createPull(p: { head: string; base: string; title: string; body: string }): Promise<PullRequestInfo>;
  updatePull(pullNumber: number, p: { title: string; body: string }): Promise<PullRequestInfo>;
  /** Open pull requests whose branch starts with `promote/`. */
  listOpenPromotionPulls(): Promise<PullRequestInfo[]>;
}

/** Where the repository lives on GitHub and how to reach the API. */
export interface GitHubOptions {
  readonly owner: string;
  readonly repo: string;
  readonly token: string;
  /** @default "https://api.github.com" (GITHUB_API_URL for GitHub Enterprise and tests) */
  readonly baseUrl?: string;
  /** Retries of a failed request (5xx, network). @default 3 */
  readonly retries?: number;
  /**
   * Octokit's throttling (rate-limit handling, and writes spaced 1 s apart as GitHub asks).
   * Off only for a local API fake, where spacing just slows tests down. @default true
   */
  readonly throttle?: boolean;
}

/** `owner/name` from a GitHub URL (https or scp-like), or undefined for anything else. */
export function githubRepoFromUrl(url: string): { owner: string; repo: string } | undefined {
  const m = /github\.com[/:]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/i.exec(url);
  return m ? { owner: m[1], repo: m[2] } : undefined;
}

interface RawPull {
  number: number;
  html_url: string;
  title: string;
  body?: string | null;
  head: { ref: string };
  base: { ref: string };
}

function info(p: RawPull): PullRequestInfo {
  return { number: p.number, url: p.html_url, title: p.title, body: p.body ?? "", head: p.head.ref, base: p.base.ref };
}

const PromoterOctokit = Octokit.plugin(retry, throttling);

/** A PromotionGitHub over octokit. */
export function createGitHub(opts: GitHubOptions): PromotionGitHub {
  const quiet = () => undefined;
  const octokit = new PromoterOctokit({
    auth: opts.token,
    baseUrl: (opts.baseUrl ?? "https://api.github.com").replace(/\/+$/, ""),
    userAgent: "mlops-suite-promoter",
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    retry: { retries: opts.retries ?? 3 },
    throttle: {
      enabled: opts.throttle ?? true,
      // Wait out a rate limit twice, then give up: a promotion can be re-run, a stuck job helps no one.
      onRateLimit: (_after: number, _o: object, _k: unknown, retryCount: number) => retryCount < 2,
      onSecondaryRateLimit: (_after: number, _o: object, _k: unknown, retryCount: number) => retryCount < 2,
    },
  });
  const { owner, repo } = opts;
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      const status = (e as { status?: number }).status;
      const msg = redact(e instanceof Error ? e.message : String(e), [opts.token]);
      if (status === undefined || status >= 500) throw new RetryableError(`GitHub ${what}: ${msg}`, e);
      throw new Error(`GitHub ${what} failed (${status}): ${msg}`);
    }
  };
  return {
    async findOpenPull(head, base) {
      const r = await call("list pull requests", () => octokit.rest.pulls.list({ owner, repo, state: "open", head: `${owner}:${head}`, base, per_page: 10 }));
      const hit = r.data.find((p) => p.head.ref === head && p.base.ref === base);
      return hit ? info(hit) : undefined;
    },
    async createPull(p) {
      const r = await call("create pull request", () => octokit.rest.pulls.create({ owner, repo, head: p.head, base: p.base, title: p.title, body: p.body }));
      return info(r.data);
    },
    async updatePull(pullNumber, p) {
      const r = await call("update pull request", () => octokit.rest.pulls.update({ owner, repo, pull_number: pullNumber, title: p.title, body: p.body }));
      return info(r.data);
    },
    async listOpenPromotionPulls() {
      const all = await call("list pull requests", () => octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", per_page: 100 }));
      return all.filter((p) => p.head.ref.startsWith("promote/")).map(info);
    },
  };
}
