/**
 * How the promoter runs git: the URL form it hands git, who it commits as, and the child-process
 * environment (no signing, no prompts, no inherited GIT_* settings, GITHUB_TOKEN as a header for the
 * GitHub hosts only, never in argv). Pure functions of the URL and the environment; no git runs here.
 */
import * as path from "path";

/** Who the promoter commits as: `GIT_AUTHOR_*` / `GIT_COMMITTER_*` when set, else this. */
export const DEFAULT_AUTHOR = { name: "mlops-promoter", email: "promoter@localhost" } as const;

/** Local paths become file:// URLs: git ignores --depth and --filter for plain-path clones. */
export function normalizeRepoUrl(url: string, cwd: string = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  if (/^[^/\\]+@[^/\\:]+:/.test(url)) return url; // scp-like user@host:path
  return `file://${path.resolve(cwd, url)}`;
}

// Programs git could be told to run from the environment: none is needed to clone, commit and push.
const DROPPED_ENV = new Set(["EDITOR", "VISUAL", "PAGER", "PREFIX", "SSH_ASKPASS"]);

/**
 * Hosts GITHUB_TOKEN may be sent to: github.com, the host of GITHUB_SERVER_URL, and the web host behind
 * GITHUB_API_URL (`api.<host>` on GitHub.com and GHE.com, `<host>/api/v3` on GitHub Enterprise Server).
 * Any other --repo host is somebody else's server: it gets no token.
 */
export function tokenHosts(env: NodeJS.ProcessEnv = process.env): Set<string> {
  const hosts = new Set(["github.com"]);
  const hostOf = (u: string | undefined): string | undefined => {
    if (!u) return undefined;
    try {
      return new URL(u).host.toLowerCase() || undefined;
    } catch {
      return undefined;
    }
  };
  const server = hostOf(env.GITHUB_SERVER_URL);
  if (server) hosts.add(server);
  const api = hostOf(env.GITHUB_API_URL);
  if (api) hosts.add(api.startsWith("api.") ? api.slice(4) : api);
  return hosts;
}

/** True when git may send GITHUB_TOKEN to `url`: https, and a host from tokenHosts(). */
export function mayReceiveToken(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!/^https:\/\//i.test(url)) return false;
  let host: string;
  try {
    host = new URL(url).host.toLowerCase();
  } catch {
    return false;
  }
  return tokenHosts(env).has(host);
}

/** The child-process environment for git: identity, no signing, no prompts, no auto-maintenance, token as a header (never in argv). */
export function gitEnv(url: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || DROPPED_ENV.has(k.toUpperCase())) continue;
    // Inherited GIT_* settings (askpass, editors, config counts) would change what we run; keep only ssh transport.
    if (k.startsWith("GIT_") && !["GIT_SSH", "GIT_SSH_COMMAND"].includes(k)) continue;
    env[k] = v;
  }
  env.GIT_AUTHOR_NAME = process.env.GIT_AUTHOR_NAME ?? DEFAULT_AUTHOR.name;
  env.GIT_AUTHOR_EMAIL = process.env.GIT_AUTHOR_EMAIL ?? DEFAULT_AUTHOR.email;
  env.GIT_COMMITTER_NAME = process.env.GIT_COMMITTER_NAME ?? env.GIT_AUTHOR_NAME;
  env.GIT_COMMITTER_EMAIL = process.env.GIT_COMMITTER_EMAIL ?? env.GIT_AUTHOR_EMAIL;
  env.GIT_TERMINAL_PROMPT = "0";
  const config: [string, string][] = [
    ["commit.gpgSign", "false"],
    ["tag.gpgSign", "false"],
    ["advice.detachedHead", "false"],
    // The clone is thrown away: no `git maintenance run --auto` after commit and after the lazy blob fetch
    // of the checkout (one git process each, for a repository deleted seconds later).
    ["maintenance.auto", "false"],
  ];
  const token = process.env.GITHUB_TOKEN;
  if (token && mayReceiveToken(url)) {
    const basic = Buffer.from(`x-access-token:${token}`).toString("base64");
    config.push([`http.${new URL(url).origin}/.extraHeader`, `Authorization: Basic ${basic}`]);
  }
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([k, v], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = k;
    env[`GIT_CONFIG_VALUE_${i}`] = v;
  });
  return env;
}

