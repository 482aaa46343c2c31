/** Real-git fixtures for the promoter tests: bare remotes in temp dirs, sources, manifests. */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ModelManifest } from "../../modules/core/model-manifest";

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

/** A bare repository on `main` refusing non-fast-forward pushes, seeded with `files`. */
export function createRemote(files: Record<string, string> = { "README.md": "target\n" }): string {
  const dir = tmp("remote");
  const bare = path.join(dir, "remote.git");
  git(dir, "init", "--quiet", "--bare", "--initial-branch=main", bare);
  git(bare, "config", "receive.denyNonFastForwards", "true");
  git(bare, "config", "receive.denyDeletes", "true");
  git(bare, "config", "uploadpack.allowFilter", "true");
  commitToRemote(bare, files, [], "seed");
  return bare;
}

/** Someone else commits to the remote's main: writes `files`, deletes `deletions`. */
export function commitToRemote(bare: string, files: Record<string, string>, deletions: string[], message: string, branch = "main"): string {
  const work = tmp("work");
  const hasBranch = git(bare, "branch", "--list", branch).trim() !== "";
  if (hasBranch) {
    git(work, "clone", "--quiet", "--branch", branch, bare, ".");
  } else {
    git(work, "init", "--quiet", `--initial-branch=${branch}`);
    git(work, "remote", "add", "origin", bare);
  }
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(work, p)), { recursive: true });
    fs.writeFileSync(path.join(work, p), content);
  }
  for (const p of deletions) fs.rmSync(path.join(work, p), { force: true });
  git(work, "add", "--all");
  git(work, "commit", "--quiet", "--allow-empty", "-m", message);
  git(work, "push", "--quiet", "origin", `HEAD:${branch}`);
  const sha = git(work, "rev-parse", "HEAD").trim();
  fs.rmSync(work, { recursive: true, force: true });
  return sha;
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
