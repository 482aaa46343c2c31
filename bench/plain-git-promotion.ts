/**
 * The floor the promoter is measured against: plain git making the identical dev promotion with
 * nothing but what the change needs. A shallow, blob-filtered clone without checkout; the index from
 * `read-tree`; blob ids of the source computed in memory; every DAG compiled in one Python process
 * without writing bytecode; only changed blobs written (`hash-object -w --stdin-paths`); the index
 * edited with `update-index --index-info`; one commit; one push. No working tree is ever written.
 */
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ZERO = "0".repeat(40);

function git(cwd: string, args: string[], input?: string): string {
  return execFileSync("git", args, { cwd, input, encoding: "utf8", maxBuffer: 1 << 30 });
}

/** Files under `dir`, relative, with `/` separators. */
function walk(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

/** Promotes `source` (dags/ replaces, models/ added or updated) into `deployments/<env>/` of `remote`'s main. */
export function plainGitPromotion(remote: string, source: string, env: string): { commit: string; changed: number } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "plain-git-"));
  try {
    const repo = path.join(work, "repo");
    execFileSync("git", ["clone", "--quiet", "--depth=1", "--filter=blob:none", "--no-checkout", "--branch=main", `file://${path.resolve(remote)}`, repo]);
    git(repo, ["read-tree", "HEAD"]);
    const prefix = `deployments/${env}/`;
    const current = new Map<string, string>();
    for (const line of git(repo, ["ls-files", "-s", "--", `${prefix}dags`, `${prefix}models`]).split("\n")) {
      if (!line) continue;
      const [meta, file] = line.split("\t");
      current.set(file, meta.split(" ")[1]);
    }
    const dags = walk(path.join(source, "dags")).map((f) => `dags/${f}`);
    const models = walk(path.join(source, "models")).map((f) => `models/${f}`);
    const py = dags.filter((f) => f.endsWith(".py")).map((f) => path.join(source, f));
    execFileSync("python3", ["-B", "-c", "import sys\nfor p in sys.stdin.read().split('\\n'):\n  p and compile(open(p,'rb').read(), p, 'exec')"], { input: py.join("\n") });
    const changed: string[] = [];
    const entries: string[] = [];
    const wanted = new Set<string>();
    for (const rel of [...dags, ...models]) {
      const target = prefix + rel;
      wanted.add(target);
      const bytes = fs.readFileSync(path.join(source, rel));
      const id = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      if (current.get(target) !== id) {
        changed.push(rel);
        entries.push(`100644 ${id}\t${target}`);
      }
    }
    // dags/ is the complete set: what the source no longer has goes; models not named stay.
    for (const file of current.keys()) if (file.startsWith(`${prefix}dags/`) && !wanted.has(file)) entries.push(`0 ${ZERO}\t${file}`);
    if (changed.length > 0) git(source, ["--git-dir", path.join(repo, ".git"), "hash-object", "-w", "--stdin-paths"], changed.join("\n"));
    git(repo, ["update-index", "--index-info"], entries.join("\n") + "\n");
    const tree = git(repo, ["write-tree"]).trim();
    const commit = git(repo, ["commit-tree", tree, "-p", "HEAD", "-m", `promote ${env}`]).trim();
    git(repo, ["push", "--quiet", "origin", `${commit}:refs/heads/main`]);
    return { commit, changed: entries.length };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
