/**
 * The GitHub side of a promotion, over octokit with the retry and throttling plugins: find, open and
 * update pull requests. Reads the token and API URL only from what it is given (cli.ts passes
 * GITHUB_TOKEN and GITHUB_API_URL) and never logs either. No git here, no decisions.
 */
import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { InputError, redact } from "./errors";

const STATUS_TEXT: Record<number, string> = { 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable" };

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
  /**
   * Checks, before anything is pushed, that the API answers, the repository exists and the token may
   * push to it (what opening a pull request from a branch of it needs). Throws an InputError when not.
   */
  checkAccess(): Promise<void>;
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
  /** Time one request may take before it is abandoned (and retried). @default 30000 */
  readonly timeoutMs?: number;
  /** The retry plugin's base wait (waits are 1, 4, 9 times this). @default 1000 */
  readonly retryAfterBaseMs?: number;
}

/** Resolves `owner/name` for the GitHub API: --github-repo, else GITHUB_REPOSITORY, else a github.com URL. */
export function resolveGithubRepo(explicit: string | undefined, repoUrl: string): { owner: string; repo: string } | undefined {
  const text = explicit ?? process.env.GITHUB_REPOSITORY;
  if (text) {
    const [owner, repo, extra] = text.split("/");
    if (!owner || !repo || extra !== undefined) {
      throw new InputError([{ file: explicit !== undefined ? "command line" : "environment", field: explicit !== undefined ? "--github-repo" : "GITHUB_REPOSITORY", expected: "owner/name", found: JSON.stringify(text) }]);
    }
    return { owner, repo };
  }
  return githubRepoFromUrl(repoUrl);
}

/** A fetch that gives up after `ms` (a server that accepts and never answers must not hold a promotion). */
function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    // Undici's errors say "fetch failed" and hide the reason in `cause`: surface it (octokit keeps the message).
    return fetch(input, { ...init, signal }).catch((e: unknown) => {
      const err = e as { name?: string; message?: string; cause?: { message?: string } };
      if (err.name === "TimeoutError" || timeout.aborted) throw new Error(`no answer within ${ms} ms (timeout)`);
      throw new Error(err.cause?.message ?? err.message ?? String(e));
    });
  };
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
    retry: { retries: opts.retries ?? 3, retryAfterBaseValue: opts.retryAfterBaseMs ?? 1000 },
    request: { fetch: fetchWithTimeout(opts.timeoutMs ?? 30000) },
    throttle: {
      enabled: opts.throttle ?? true,
      // Wait out a rate limit twice, then give up: a promotion can be re-run, a stuck job helps no one.
      onRateLimit: (_after: number, _o: object, _k: unknown, retryCount: number) => retryCount < 2,
      onSecondaryRateLimit: (_after: number, _o: object, _k: unknown, retryCount: number) => retryCount < 2,
    },
  });
  const { owner, repo } = opts;
  const api = (opts.baseUrl ?? "https://api.github.com").replace(/\/+$/, "");
  const call = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      const status = (e as { status?: number }).status;
      const raw = e instanceof Error ? e.message : String(e);
      const msg = redact(raw.trim() || "the server sent no message", [opts.token]);
      // Octokit has retried 5xx and network errors already (plugin-retry): not retried again by the engine.
      if (status === undefined || status >= 500) throw new Error(`GitHub ${what} at ${api}: ${msg}`);
      throw new Error(`GitHub ${what} failed (${status} ${STATUS_TEXT[status] ?? ""}): ${msg}`.replace(" )", ")"));
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
    async checkAccess() {
      let data: { permissions?: { push?: boolean } };
      try {
        data = (await octokit.rest.repos.get({ owner, repo })).data;
      } catch (e) {
        const status = (e as { status?: number }).status;
        if (status === 404) {
          throw new InputError([{ file: "command line", field: "--github-repo", expected: `a repository on ${api} the token can see`, found: `${owner}/${repo}: not found (404)` }]);
        }
        if (status === 401) {
          throw new InputError([{ file: "environment", field: "GITHUB_TOKEN", expected: `a token ${api} accepts`, found: "a token it rejects (401 Bad credentials)" }]);
        }
        return call("read repository", () => Promise.reject(e));
      }
      if (data.permissions && data.permissions.push !== true) {
        throw new InputError([{ file: "environment", field: "GITHUB_TOKEN", expected: `a token that may push branches to ${owner}/${repo} and open pull requests`, found: "a token with read access only" }]);
      }
    },
    async listOpenPromotionPulls() {
      const all = await call("list pull requests", () => octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", per_page: 100 }));
      return all.filter((p) => p.head.ref.startsWith("promote/")).map(info);
    },
  };
}
