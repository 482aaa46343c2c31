/** Real-git fixtures for the promoter tests: bare remotes in temp dirs, sources, manifests. */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ModelManifest } from "../../modules/core/model-manifest";
// Side effect: $PYTHON names the interpreter itself, not a version manager's shim (python-executable.ts).
import "./python-executable";

/** The promoter tests' environment rules: dev direct, staging from dev, prod from staging (PR). */
export const ENV_DIR = path.resolve(__dirname, "../fixtures/gitops/environments");
export const PROJECT_ROOT = path.resolve(__dirname, "../..");

/** A fresh temp folder under the run's TMPDIR. */
export function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

const someoneElse = {
  ...process.env,
  GIT_AUTHOR_NAME: "someone",
  GIT_AUTHOR_EMAIL: "someone@example.com",
  GIT_COMMITTER_NAME: "someone",
  GIT_COMMITTER_EMAIL: "someone@example.com",
};

/** Runs git with a test identity (no global config needed). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "commit.gpgSign=false", ...args], { cwd, env: someoneElse, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/**
 * The configured empty bare repository every remote of this process starts from (one `git init` per
 * test process instead of one per test; a copy of a bare repository is a repository like any other).
 */
let emptyRemote: string | undefined;
function emptyBareRepository(): string {
  if (emptyRemote === undefined) {
    const bare = path.join(tmp("remote-template"), "remote.git");
    git(path.dirname(bare), "init", "--quiet", "--bare", "--initial-branch=main", bare);
    git(bare, "config", "receive.denyNonFastForwards", "true");
    git(bare, "config", "receive.denyDeletes", "true");
    git(bare, "config", "uploadpack.allowFilter", "true");
    // git's sample hooks (inactive *.sample files) and description: files every copy would carry for nothing.
    for (const f of fs.readdirSync(path.join(bare, "hooks"))) if (f.endsWith(".sample")) fs.rmSync(path.join(bare, "hooks", f));
    fs.rmSync(path.join(bare, "description"), { force: true });
    emptyRemote = bare;
  }
  return emptyRemote;
}

/** Seeded remotes of this process by their files: tests seeding the same files get copies of one. */
const seeded = new Map<string, string>();

/**
 * A bare repository on `main` refusing non-fast-forward pushes, seeded with `files` (one commit by
 * someone else). Each call returns a repository of its own: a copy of the first one seeded with the
 * same files in this process, so the seed commit (and its id) is the same for equal files.
 */
export function createRemote(files: Record<string, string> = { "README.md": "target\n" }): string {
  const key = JSON.stringify(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let template = seeded.get(key);
  if (template === undefined) {
    template = path.join(tmp("remote-template"), "remote.git");
    fs.cpSync(emptyBareRepository(), template, { recursive: true });
    commitToRemote(template, files, [], "seed");
    seeded.set(key, template);
  }
  const bare = path.join(tmp("remote"), "remote.git");
  fs.cpSync(template, bare, { recursive: true });
  return bare;
}

/** True when the bare repository has `branch` (loose or packed ref; git's default files backend). */
function hasBranch(bare: string, branch: string): boolean {
  const ref = `refs/heads/${branch}`;
  if (fs.existsSync(path.join(bare, ref))) return true;
  const packed = path.join(bare, "packed-refs");
  return fs.existsSync(packed) && fs.readFileSync(packed, "utf8").split("\n").some((l) => l.endsWith(` ${ref}`));
}

/** `data` of a fast-import stream: the exact byte count, then the bytes. */
function data(content: string | Buffer): Buffer {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from("\n")]);
}

/**
 * Someone else commits to the remote's `branch` (main by default): writes `files`, deletes `deletions`,
 * on top of the branch's head (a root commit when the branch does not exist yet). One `git fast-import`
 * into the bare repository, the way a server-side tool or another clone's push lands a commit: the
 * branch only moves forward (fast-import refuses anything else without --force). Contents are stored
 * byte for byte, which is what `git add` stores for these LF-only fixtures under any .gitattributes or
 * core.autocrlf (conversion on add only turns CRLF into LF). Returns the new commit's id.
 */
export function commitToRemote(bare: string, files: Record<string, string>, deletions: string[], message: string, branch = "main"): string {
  for (const p of [...Object.keys(files), ...deletions]) {
    if (/[\n"]/.test(p) || p.startsWith("/")) throw new Error(`commitToRemote: a fixture path fast-import would misread: ${JSON.stringify(p)}`);
  }
  // A CR would be stored as given, where `git add` may convert it: such a fixture needs a real `git add`.
  const withCr = Object.keys(files).find((p) => files[p].includes("\r"));
  if (withCr !== undefined) throw new Error(`commitToRemote: ${withCr}: expected LF-only content (stored byte for byte), found a CR`);
  const ident = "someone <someone@example.com> now";
  const parts = [Buffer.from(`commit refs/heads/${branch}\nmark :1\nauthor ${ident}\ncommitter ${ident}\n`), data(message)];
  if (hasBranch(bare, branch)) parts.push(Buffer.from(`from refs/heads/${branch}^0\n`));
  for (const p of deletions) parts.push(Buffer.from(`D ${p}\n`));
  for (const [p, content] of Object.entries(files)) parts.push(Buffer.from(`M 100644 inline ${p}\n`), data(content));
  parts.push(Buffer.from("\nget-mark :1\n"));
  const out = execFileSync("git", ["fast-import", "--quiet", "--date-format=now"], { cwd: bare, env: someoneElse, input: Buffer.concat(parts), encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
  return out.trim();
}

/** Files under `prefix` on a remote branch, relative to the prefix. */
export function remoteFiles(bare: string, prefix: string, ref = "main"): string[] {
  const out = git(bare, "ls-tree", "-r", "--name-only", ref, "--", prefix);
  return out.split("\n").filter(Boolean).map((p) => p.slice(prefix.length + (prefix.endsWith("/") ? 0 : 1))).sort();
}

/** A file's content on a remote branch, or undefined. */
export function remoteShow(bare: string, file: string, ref = "main"): string | undefined {
  try {
    return git(bare, "show", `${ref}:${file}`);
  } catch {
    return undefined;
  }
}

/** Commit ids on a branch, newest first. */
export function remoteLog(bare: string, ref = "main"): string[] {
  return git(bare, "log", "--format=%H", ref).split("\n").filter(Boolean);
}

/** Branch names on the remote. */
export function remoteBranches(bare: string): string[] {
  return git(bare, "for-each-ref", "--format=%(refname:short)", "refs/heads").split("\n").filter(Boolean).sort();
}

/** A manifest that passes the schema; metrics default to {auc}. */
export function manifest(name: string, version: string, metrics: Record<string, number> = { auc: 0.8 }, primaryMetric = "auc"): ModelManifest {
  const digest = createHash("sha256").update(`${name}@${version}`).digest("hex");
  return {
    name,
    version,
    image: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/${name}@sha256:${digest}`,
    metrics,
    primaryMetric,
    sourceCommit: createHash("sha1").update(version).digest("hex").slice(0, 12),
    createdAt: "2026-11-25T10:00:00Z",
  };
}

/** A source folder: `dags` (path → content) when given, and manifests (objects, or raw text by name). */
export function makeSource(opts: { dags?: Record<string, string>; models?: (ModelManifest | { name: string; raw: string })[] }): string {
  const dir = tmp("source");
  if (opts.dags) {
    fs.mkdirSync(path.join(dir, "dags"), { recursive: true });
    for (const [p, content] of Object.entries(opts.dags)) {
      fs.mkdirSync(path.dirname(path.join(dir, "dags", p)), { recursive: true });
      fs.writeFileSync(path.join(dir, "dags", p), content);
    }
  }
  if (opts.models) {
    fs.mkdirSync(path.join(dir, "models"), { recursive: true });
    for (const m of opts.models) {
      const text = "raw" in m ? m.raw : JSON.stringify(m, null, 2);
      fs.writeFileSync(path.join(dir, "models", `${m.name}.json`), text);
    }
  }
  return dir;
}

/** A deployed manifest on the remote, parsed. */
export function deployedManifest(bare: string, env: string, name: string, ref = "main"): ModelManifest | undefined {
  const text = remoteShow(bare, `deployments/${env}/models/${name}.json`, ref);
  return text === undefined ? undefined : (JSON.parse(text) as ModelManifest);
}
