/**
 * The promoter's only door to git: one throw-away clone of the target in a temp folder, over simple-git.
 * Clones shallow, blob-filtered and sparse (only what the run reads is checked out) so the cost follows
 * the change, not the history. Pushes are plain fast-forward pushes: there is no force option here at all.
 * It makes no decisions; plan-changes.ts and the steps do. How git is run: git-environment.ts.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { simpleGit, SimpleGit } from "simple-git";
import { InputError, PushRefusedError, RetryableError, redact } from "./errors";
import { gitEnv, normalizeRepoUrl } from "./git-environment";
import { EnvTree, FileChange } from "./plan-changes";
import { interruptSignal } from "./temp-folders";

/** How to clone the target repository. */
export interface CloneOptions {
  /** Any URL git accepts, or a local path (turned into file:// so depth applies). */
  readonly url: string;
  readonly branch: string;
  /** Empty folder to clone into (the caller owns and removes it). */
  readonly dir: string;
  /** Folders to check out (cone mode); everything else stays out of the work tree. */
  readonly sparse: readonly string[];
  /** Fetch the whole history (rollback needs it) instead of the newest commit only. @default false */
  readonly fullHistory?: boolean;
  /** Stops the clone (besides an interruption of the process). @default - only the interruption */
  readonly signal?: AbortSignal;
}

function git(baseDir: string, url: string, signal?: AbortSignal): SimpleGit {
  const env = gitEnv(url);
  // simple-git 4 guards GIT_* variables: the ones we set ourselves are named here, ambient ones are dropped.
  const allowEnvironment = Object.keys(env).filter((k) => k.startsWith("GIT_"));
  const abort = signal ? AbortSignal.any([interruptSignal, signal]) : interruptSignal;
  return simpleGit({ baseDir, allowEnvironment, abort, unsafe: { allowUnsafeConfigEnvCount: true, allowUnsafeSshCommand: true } }).env(env);
}

/** The line of git's output that says why: the first `fatal:` line, else the last non-empty one. */
export function fatalLine(message: string): string {
  const lines = message.split("\n").map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => l.startsWith("fatal:")) ?? lines[lines.length - 1] ?? "no output").replace(/^fatal: /, "");
}

/** Wraps a git failure into a retryable error with credentials removed from the message. */
function ioError(what: string, e: unknown): RetryableError {
  return new RetryableError(`${what}: ${redact(e instanceof Error ? e.message : String(e)).trim()}`, e);
}

/**
 * True when git's push output says the branch moved under us (a non-fast-forward, or a concurrent update
 * of the same ref on the server): fetch and re-apply, never force. Any other rejection is final.
 */
export function isRejectedPush(message: string): boolean {
  return /\[rejected\]|\(fetch first\)|non-fast-forward|\(stale info\)|failed to update ref|cannot lock ref|incorrect old value/i.test(message);
}

/** A refused push's own words: the server's `remote:` lines and git's reason per ref, nothing else. */
export function refusalLines(message: string): string[] {
  return message
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => /^remote: ?\S/.test(l) || /^!\t/.test(l) || /\[remote rejected\]/.test(l) || /^error: /.test(l))
    .filter((l) => !/^error: failed to push some refs/.test(l))
    .map((l) => l.replace(/\t/g, " ").trim());
}

/** How a push ended: pushed, or behind (the branch moved; re-apply and retry). Other refusals throw. */
export type PushOutcome = "pushed" | "behind";

/** One clone of the target repository in a temp folder. */
export class GitWorkspace {
  private constructor(
    readonly dir: string,
    readonly url: string,
    readonly branch: string,
    private readonly g: SimpleGit,
    private readonly depth: number | undefined,
  ) {}

  /** Clones `branch` of `url` into `dir`, checking out only the sparse folders. */
  static async clone(opts: CloneOptions): Promise<GitWorkspace> {
    const url = normalizeRepoUrl(opts.url);
    fs.mkdirSync(opts.dir, { recursive: true });
    const depth = opts.fullHistory ? undefined : 1;
    const args = ["--no-checkout", "--filter=blob:none", "--single-branch", "--branch", opts.branch];
    if (depth !== undefined) args.push("--depth", String(depth));
    try {
      // The filter is a hint: servers without uploadpack.allowFilter send blobs anyway, which is only slower.
      await git(path.dirname(opts.dir), url, opts.signal).clone(url, opts.dir, args);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/Remote branch .* not found|couldn't find remote ref/i.test(msg)) {
        throw new InputError([{ file: "command line", field: "--base", expected: `a branch of ${redact(url)}`, found: `${JSON.stringify(opts.branch)}, which it does not have` }]);
      }
      const local = url.startsWith("file://") ? url.slice("file://".length) : undefined;
      if (local !== undefined && !fs.existsSync(local)) {
        throw new InputError([{ file: "command line", field: "--repo", expected: "a git repository (a URL or a local path)", found: `${JSON.stringify(local)}: no such file or folder` }]);
      }
      if (/does not appear to be a git repository|not a git repository|Repository not found|repository '.*' not found|No such file/i.test(msg)) {
        const what = local !== undefined ? `${JSON.stringify(local)}: ${fs.statSync(local).isDirectory() ? "a folder" : "a file"} that is not a git repository` : `${redact(url)} (git: ${fatalLine(redact(msg))})`;
        throw new InputError([{ file: "command line", field: "--repo", expected: "a git repository (a URL or a local path)", found: what }]);
      }
      if (/Could not read from remote|unable to access/i.test(msg)) throw new Error(`cannot clone ${redact(url)}: ${fatalLine(redact(msg))}`);
      throw ioError(`clone ${redact(url)}`, e);
    }
    const ws = new GitWorkspace(opts.dir, url, opts.branch, git(opts.dir, url), depth);
    const setup = opts.signal ? git(opts.dir, url, opts.signal) : ws.g;
    await setup.raw(["sparse-checkout", "set", "--cone", ...opts.sparse]);
    await setup.raw(["checkout", "--quiet", opts.branch]);
    return ws;
  }

  /** Runs git in the clone with `input` on stdin (what simple-git cannot pass); rejects with git's stderr. */
  private withInput(args: readonly string[], input: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn("git", args, { cwd: this.dir, env: gitEnv(this.url), signal: interruptSignal, stdio: ["pipe", "pipe", "pipe"] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on("data", (b: Buffer) => out.push(b));
      child.stderr.on("data", (b: Buffer) => err.push(b));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out).toString("utf8")) : reject(new Error(`git ${args[0]}: ${Buffer.concat(err).toString("utf8").trim() || `exit ${code}`}`))));
      child.stdin.end(input);
    });
  }

  /** The commit the work tree is on. */
  async head(): Promise<string> {
    return (await this.g.revparse(["HEAD"])).trim();
  }

  /** Blob ids of every file under `prefix` (e.g. `deployments/dev/`) at `commit`, keyed by path below the prefix. */
  async tree(commit: string, prefix: string): Promise<EnvTree> {
    const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
    const out = await this.g.raw(["ls-tree", "-r", "-z", "--full-tree", commit, "--", p]);
    const tree = new Map<string, string>();
    for (const entry of out.split("\0")) {
      if (!entry) continue;
      const tab = entry.indexOf("\t");
      const [, type, blob] = entry.slice(0, tab).split(" ");
      if (type === "blob") tree.set(entry.slice(tab + 1).slice(p.length), blob);
    }
    return tree;
  }

  /**
   * Stages exactly the changes under `prefix`: a written file is put in the work tree and added (so git
   * applies its own conversion: .gitattributes, core.autocrlf), a deletion only leaves the index. Paths
   * outside the sparse checkout are never materialized except the ones written.
   */
  async apply(prefix: string, changes: readonly FileChange[]): Promise<void> {
    const paths: string[] = [];
    const removed: string[] = [];
    for (const c of changes) {
      const rel = path.posix.join(prefix, c.path);
      const abs = path.join(this.dir, rel);
      if (c.file) {
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, c.file.content);
        paths.push(rel);
      } else {
        fs.rmSync(abs, { force: true });
        removed.push(rel);
      }
    }
    // Mode 0 removes the entry; `git add` would keep one outside the sparse checkout (skip-worktree).
    if (removed.length > 0) await this.withInput(["update-index", "-z", "--index-info"], removed.map((p) => `0 ${"0".repeat(40)}\t${p}\0`).join(""));
    // --sparse: the paths are inside the cone, but say so rather than rely on it. --force: the DAG set is
    // mirrored exactly, so a file the target's .gitignore happens to match is still part of it.
    for (let i = 0; i < paths.length; i += 500) {
      await this.g.raw(["add", "--all", "--force", "--sparse", "--", ...paths.slice(i, i + 500)]);
    }
  }

  /**
   * What the index holds under `prefix` that HEAD does not: path below the prefix → the blob git stored
   * (after its own conversion: .gitattributes, core.autocrlf, filters), or null for a deletion.
   * This is what the commit will contain, so an empty map means an empty commit.
   */
  async staged(prefix: string): Promise<Map<string, string | null>> {
    const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
    const out = await this.g.raw(["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "HEAD", "--", p]);
    const fields = out.split("\0");
    const staged = new Map<string, string | null>();
    // -z --raw: ":<old mode> <new mode> <old blob> <new blob> <status>" NUL "<path>" NUL, repeated.
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const meta = fields[i].replace(/^\n/, "").split(" ");
      if (meta.length < 5) continue;
      const file = fields[i + 1];
      staged.set(file.slice(p.length), meta[4].startsWith("D") ? null : meta[3]);
    }
    return staged;
  }

  /** Commits what is staged with `message` (read from a file so any length and character is safe). */
  async commit(message: string): Promise<string> {
    const file = path.join(path.dirname(this.dir), `${path.basename(this.dir)}.msg`);
    fs.writeFileSync(file, message);
    try {
      await this.g.raw(["commit", "--quiet", "--no-verify", "--file", file]);
    } finally {
      fs.rmSync(file, { force: true });
    }
    return this.head();
  }

  /**
   * Pushes HEAD to `branch` on origin, fast-forward only. "behind" when the branch moved; a refusal for
   * any other reason (hook, protection, size) is a PushRefusedError quoting the server.
   */
  async push(branch: string): Promise<PushOutcome> {
    try {
      await this.g.raw(["push", "--porcelain", "origin", `HEAD:refs/heads/${branch}`]);
      return "pushed";
    } catch (e) {
      const msg = redact(e instanceof Error ? e.message : String(e));
      const lines = refusalLines(msg);
      // Classify on git's per-ref verdicts only: a hook's own `remote:` text may say anything.
      const verdicts = lines.filter((l) => /^! |\[(remote )?rejected\]/.test(l));
      if (isRejectedPush(verdicts.join("\n"))) return "behind";
      if (verdicts.length > 0) throw new PushRefusedError(`push to ${branch} refused by ${redact(this.url)}; nothing was pushed. The server said:\n${lines.join("\n")}`);
      throw ioError(`push to ${redact(this.url)}`, e);
    }
  }

  /** Fetches the newest `branch` (as shallow as the clone) and returns its commit id. */
  async fetch(branch: string): Promise<string> {
    const args = ["fetch", "--quiet", "--no-tags"];
    if (this.depth !== undefined) args.push("--depth", String(this.depth));
    try {
      await this.g.raw([...args, "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`]);
    } catch (e) {
      throw ioError(`fetch ${branch} from ${redact(this.url)}`, e);
    }
    return (await this.g.revparse([`refs/remotes/origin/${branch}`])).trim();
  }

  /** Moves this throw-away clone's work tree and branch to `commit` (used to re-apply on a moved head). */
  async moveTo(commit: string): Promise<void> {
    await this.g.raw(["checkout", "--quiet", "--force", "-B", this.branch, commit]);
  }

  /** The commit a remote branch points at, or undefined when it does not exist. */
  async remoteBranch(branch: string): Promise<string | undefined> {
    try {
      const out = await this.g.raw(["ls-remote", "--heads", "origin", `refs/heads/${branch}`]);
      const line = out.split("\n").find((l) => l.trim() !== "");
      return line ? line.split(/\s+/)[0] : undefined;
    } catch (e) {
      throw ioError(`ls-remote ${redact(this.url)}`, e);
    }
  }

  /**
   * True when `commit` is in the history of `base` (the base branch's commit the clone is on). A shallow
   * clone first fetches the base branch's whole commit history (commits only: no trees, no blobs), since
   * containment cannot be told from one commit. Only needed when a PR branch of the same name exists.
   */
  async contains(base: string, commit: string): Promise<boolean> {
    if ((await this.g.raw(["rev-parse", "--is-shallow-repository"])).trim() === "true") {
      try {
        await this.g.raw(["fetch", "--quiet", "--no-tags", "--filter=tree:0", "--unshallow", "origin", `+refs/heads/${this.branch}:refs/remotes/origin/${this.branch}`]);
      } catch (e) {
        throw ioError(`fetch the history of ${this.branch} from ${redact(this.url)}`, e);
      }
    }
    // Prints `commit` unless `base` reaches it; works whatever `commit`'s own (shallow) history is.
    const out = await this.g.raw(["rev-list", "-n", "1", commit, "--not", base, "--"]);
    return out.trim() === "";
  }

  /** Commits (newest first) that touched `file`, from the history the clone holds. */
  async fileHistory(file: string): Promise<string[]> {
    const out = await this.g.raw(["log", "--format=%H", "--", file]);
    return out.split("\n").filter((l) => l.trim() !== "");
  }

  /** A file's content at a commit, or undefined when it did not exist there. */
  async show(commit: string, file: string): Promise<Buffer | undefined> {
    try {
      return Buffer.from(await this.g.show([`${commit}:${file}`]), "utf8");
    } catch {
      return undefined;
    }
  }

  /** Removes the clone. */
  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
