/**
 * What a promotion changes in `deployments/<env>/`, decided purely from two trees of blob ids:
 * the one the environment has and the one the promotion wants. Also decides, after a rejected push,
 * whether the promotion can be re-applied on the new head or meets a real conflict.
 * No git, no files: callers read trees (`git ls-tree`) and hash contents (`blobId`).
 */
import { createHash } from "crypto";

/** Files of one environment folder: path relative to `deployments/<env>/` (`dags/x.py`, `models/m.json`) → git blob id. */
export type EnvTree = ReadonlyMap<string, string>;

/** A file the promotion wants, with its git blob id (so it compares with `git ls-tree` output). */
export interface DesiredFile {
  readonly blob: string;
  readonly content: Buffer;
}

/** The state a promotion asks for. Whatever it does not name is left as it is. */
export interface DesiredState {
  /** The environment's complete DAG set, paths relative to `dags/`. @default - DAGs left alone */
  readonly dags?: ReadonlyMap<string, DesiredFile>;
  /** Manifests to write, by model name. */
  readonly models: ReadonlyMap<string, DesiredFile>;
  /** Models to remove (an explicit retire). @default - none */
  readonly retire?: readonly string[];
}

/** One file the commit adds, changes or deletes, relative to `deployments/<env>/`. */
export interface FileChange {
  readonly path: string;
  readonly kind: "added" | "changed" | "deleted";
  /** The new content; absent for deletions. */
  readonly file?: DesiredFile;
}

/** Every change, sorted by path, plus a stable key naming the change (not the base it applies to). */
export interface ChangePlan {
  readonly changes: readonly FileChange[];
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly deleted: readonly string[];
  /** Model names whose manifest is written or removed. */
  readonly models: readonly string[];
  readonly dagsChanged: boolean;
  /** 12 hex digits over (path, new blob) of every change: the same change gives the same key on any base. */
  readonly key: string;
}

/** The git blob id of some content (what `git hash-object` prints), so no process is needed to compare. */
export function blobId(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

/** Builds a DesiredFile from content. */
export function desiredFile(content: Buffer | string): DesiredFile {
  const buf = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return { blob: blobId(buf), content: buf };
}

/** Path of a model's manifest inside the environment folder. */
export function modelPath(name: string): string {
  return `models/${name}.json`;
}

/**
 * The target of every path the promotion owns: a DesiredFile to write, or null to delete.
 * The DAG folder is owned as a whole when the source has one; models one file at a time.
 */
export function targets(current: EnvTree, desired: DesiredState): Map<string, DesiredFile | null> {
  const out = new Map<string, DesiredFile | null>();
  if (desired.dags) {
    for (const p of current.keys()) if (p.startsWith("dags/")) out.set(p, null);
    for (const [p, f] of desired.dags) out.set(`dags/${p}`, f);
  }
  for (const name of desired.retire ?? []) out.set(modelPath(name), null);
  for (const [name, f] of desired.models) out.set(modelPath(name), f);
  return out;
}

/** Decides the changes that take `current` to `desired`. Pure. */
export function planChanges(current: EnvTree, desired: DesiredState): ChangePlan {
  const changes: FileChange[] = [];
  for (const [path, target] of targets(current, desired)) {
    const have = current.get(path);
    if (target === null) {
      if (have !== undefined) changes.push({ path, kind: "deleted" });
    } else if (have === undefined) {
      changes.push({ path, kind: "added", file: target });
    } else if (have !== target.blob) {
      changes.push({ path, kind: "changed", file: target });
    }
  }
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const hash = createHash("sha256");
  for (const c of changes) hash.update(`${c.path}\0${c.file?.blob ?? "-"}\n`);
  const models = [...new Set(changes.filter((c) => c.path.startsWith("models/")).map((c) => c.path.slice(7, -5)))].sort();
  return {
    changes,
    added: changes.filter((c) => c.kind === "added").map((c) => c.path),
    changed: changes.filter((c) => c.kind === "changed").map((c) => c.path),
    deleted: changes.filter((c) => c.kind === "deleted").map((c) => c.path),
    models,
    dagsChanged: changes.some((c) => c.path.startsWith("dags/")),
    key: hash.digest("hex").slice(0, 12),
  };
}

/**
 * The desired state as git stores it. `written` are the files the promotion wrote and staged, `staged`
 * what the index then held that the base did not (git's blob ids after its own conversion; see
 * GitWorkspace.staged). A written file git left equal to the base stores the base's blob. Pure.
 */
export function asStored(desired: DesiredState, written: readonly FileChange[], staged: ReadonlyMap<string, string | null>, base: EnvTree): DesiredState {
  const stored = new Map<string, string>();
  for (const c of written) {
    if (!c.file) continue;
    const s = staged.get(c.path);
    const blob = s ?? base.get(c.path);
    if (blob !== undefined) stored.set(c.path, blob);
  }
  const fix = (p: string, f: DesiredFile): DesiredFile => {
    const blob = stored.get(p);
    return blob === undefined || blob === f.blob ? f : { blob, content: f.content };
  };
  return {
    dags: desired.dags ? new Map([...desired.dags].map(([p, f]) => [p, fix(`dags/${p}`, f)])) : undefined,
    models: new Map([...desired.models].map(([n, f]) => [n, fix(modelPath(n), f)])),
    retire: desired.retire,
  };
}

/** What re-applying a promotion on a moved head finds. */
export type RebaseVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly conflicts: readonly string[] };

/**
 * After a rejected push: may the promotion be re-applied on `newHead`? Yes unless someone else changed
 * a path the promotion owns (between `oldBase` and `newHead`) to something other than what we want:
 * overwriting that would lose their update. Paths the promotion does not own may change freely.
 */
export function checkRebase(oldBase: EnvTree, newHead: EnvTree, desired: DesiredState): RebaseVerdict {
  const owned = new Map([...targets(oldBase, desired), ...targets(newHead, desired)]);
  const conflicts: string[] = [];
  for (const [path, target] of owned) {
    const before = oldBase.get(path);
    const now = newHead.get(path);
    if (before === now) continue;
    if ((target === null && now === undefined) || (target !== null && now === target.blob)) continue;
    conflicts.push(path);
  }
  conflicts.sort();
  return conflicts.length === 0 ? { ok: true } : { ok: false, conflicts };
}

/** `current` with the plan applied: what `deployments/<env>/` holds after the promotion's commit. Pure. */
export function applyPlan(current: EnvTree, plan: ChangePlan): EnvTree {
  const out = new Map(current);
  for (const c of plan.changes) {
    if (c.file) out.set(c.path, c.file.blob);
    else out.delete(c.path);
  }
  return out;
}

/** Same paths with the same blobs. */
export function sameTree(a: EnvTree, b: EnvTree): boolean {
  if (a.size !== b.size) return false;
  for (const [p, blob] of a) if (b.get(p) !== blob) return false;
  return true;
}

/**
 * The PR branch names to try for a change, in order: `branchName`, then the same with the base's short
 * commit appended, for when the first one exists but is stale (merged, or made on another base). An old
 * branch is never rewritten: the promoter moves on to the next name.
 */
export function branchCandidates(env: string, plan: ChangePlan, baseCommit: string): string[] {
  const first = branchName(env, plan);
  return [first, `${first}-${baseCommit.slice(0, 8)}`];
}

/**
 * The PR branch for a change: `promote/<env>/<model-or-dags>-<short hash>`. One model and nothing else
 * is named after the model, DAGs alone are `dags`, anything wider is `bundle`.
 */
export function branchName(env: string, plan: ChangePlan): string {
  const label = plan.models.length === 1 && !plan.dagsChanged ? plan.models[0] : plan.models.length === 0 ? "dags" : "bundle";
  return `promote/${env}/${label}-${plan.key.slice(0, 8)}`;
}
