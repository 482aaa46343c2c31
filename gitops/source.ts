/**
 * Reads a promotion source: a folder with `dags/**` and/or `models/<name>.json` (a CI checkout, or an
 * environment folder `deployments/<env>/` of the target clone). Validates manifests with zod and DAG
 * Python with the interpreter's own compiler, and returns every problem rather than the first.
 * It writes nothing: no `__pycache__` in the source, no git.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ConfigProblem } from "../modules/core/errors";
import { describeKind, entryKind, readManifestFolder } from "../modules/core/deployed-manifests";
import { ModelManifest } from "../modules/core/model-manifest";
import { DesiredFile, desiredFile } from "./plan-changes";

/** A validated source: the complete DAG set (when it has `dags/`) and the manifests it holds. */
export interface PromotionSource {
  /** DAG files by path below `dags/`. @default - the source has no dags/: DAGs are left alone */
  readonly dags?: ReadonlyMap<string, DesiredFile>;
  readonly manifests: readonly ModelManifest[];
}

/** A source and every problem found in it; the source is only usable when `problems` is empty. */
export interface SourceReading {
  readonly source: PromotionSource;
  readonly problems: readonly ConfigProblem[];
}

// Build output that sits beside DAGs in checkouts but is not part of the DAG set.
const IGNORED = new Set(["__pycache__", ".DS_Store"]);

/** How to read a source. */
export interface ReadSourceOptions {
  /** A source must hold dags/ or models/. @default true */
  readonly requireContent?: boolean;
  /**
   * Accept a dags/ without any DAG file. It replaces the environment's DAG set, so an empty one deletes
   * every DAG there: only on purpose (`--allow-empty-dags`). @default false
   */
  readonly allowEmptyDags?: boolean;
}

/** Reads and validates `dir`. `root` is what file names in problems are relative to. */
export function readSource(dir: string, root: string = process.cwd(), opts: ReadSourceOptions = {}): SourceReading {
  const problems: ConfigProblem[] = [];
  const rel = (p: string) => path.relative(root, p) || ".";
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { source: { manifests: [] }, problems: [{ file: rel(dir), field: "", expected: "a folder with dags/ and/or models/", found: "no such folder" }] };
  }
  const dagsDir = path.join(dir, "dags");
  const modelsDir = path.join(dir, "models");
  // lstat: a dags/ or models/ that is a link would promote whatever it points at.
  const dagsKind = entryKind(dagsDir);
  const modelsKind = entryKind(modelsDir);
  if ((opts.requireContent ?? true) && dagsKind === "missing" && modelsKind === "missing") {
    problems.push({ file: rel(dir), field: "", expected: "a folder with dags/ and/or models/", found: `neither (${fs.readdirSync(dir).join(", ") || "empty"})` });
  }
  if (dagsKind !== "missing" && dagsKind !== "folder") {
    problems.push({ file: rel(dagsDir), field: "", expected: "a folder with the environment's DAG files", found: describeKind(dagsKind) });
  }
  if (modelsKind !== "missing" && modelsKind !== "folder") {
    problems.push({ file: rel(modelsDir), field: "", expected: "a folder of <name>.json model manifests", found: describeKind(modelsKind) });
  }

  let dags: Map<string, DesiredFile> | undefined;
  if (dagsKind === "folder") {
    dags = new Map();
    const pyFiles: string[] = [];
    for (const file of walk(dagsDir, problems, rel)) {
      const key = path.relative(dagsDir, file).split(path.sep).join("/");
      dags.set(key, desiredFile(fs.readFileSync(file)));
      if (file.endsWith(".py")) pyFiles.push(file);
    }
    if (dags.size === 0 && !opts.allowEmptyDags && !problems.some((p) => p.file.startsWith(rel(dagsDir)))) {
      const skipped = fs.readdirSync(dagsDir);
      problems.push({
        file: rel(dagsDir),
        field: "",
        expected:
          "at least one DAG file: dags/ is the environment's complete DAG set, so an empty one deletes every DAG there " +
          "(pass --allow-empty-dags to do that on purpose; leave dags/ out to keep the DAGs as they are)",
        found: skipped.length > 0 ? `no DAG file (it holds only ${skipped.sort().join(", ")})` : "an empty folder",
      });
    }
    problems.push(...compilePython(pyFiles, rel));
  }

  const manifests: ModelManifest[] = [];
  if (modelsKind === "folder") {
    for (const f of fs.readdirSync(modelsDir).sort()) {
      // .json entries that are not files (links, folders) are reported by readManifestFolder.
      if (!f.endsWith(".json")) {
        problems.push({ file: rel(path.join(modelsDir, f)), field: "", expected: "only <name>.json model manifests in models/", found: JSON.stringify(f) });
      }
    }
    const read = readManifestFolder(modelsDir, root);
    problems.push(...read.problems);
    manifests.push(...Object.values(read.manifests));
  }
  return { source: { dags, manifests }, problems };
}

function walk(dir: string, problems: ConfigProblem[], rel: (p: string) => string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (IGNORED.has(entry.name) || entry.name.endsWith(".pyc")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      problems.push({ file: rel(full), field: "", expected: "a regular file (symbolic links are not promoted)", found: "a symbolic link" });
    } else if (entry.isDirectory()) {
      out.push(...walk(full, problems, rel));
    } else if (entry.isFile()) {
      out.push(full);
    }
  }
  return out;
}

// What `python3 -m py_compile` does, minus writing .pyc files into the source; one interpreter for all files.
const CHECK_PY = `
import json, sys
errors = []
for p in json.load(sys.stdin):
    try:
        with open(p, "rb") as f:
            compile(f.read(), p, "exec", dont_inherit=True)
    except SyntaxError as e:
        errors.append({"file": p, "line": e.lineno, "msg": e.msg})
    except Exception as e:
        errors.append({"file": p, "line": None, "msg": str(e)})
json.dump(errors, sys.stdout)
`;

/** Compiles every file with python3; one problem per file Python rejects. */
export function compilePython(files: readonly string[], rel: (p: string) => string = (p) => p): ConfigProblem[] {
  if (files.length === 0) return [];
  const python = process.env.PYTHON ?? "python3";
  const r = spawnSync(python, ["-c", CHECK_PY], {
    input: JSON.stringify(files),
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error || r.status !== 0) {
    throw new Error(`cannot check DAG syntax with ${python}: ${r.error?.message ?? r.stderr.trim()}`);
  }
  const errors = JSON.parse(r.stdout) as { file: string; line: number | null; msg: string }[];
  return errors.map((e) => ({
    file: rel(e.file),
    field: e.line === null ? "" : `line ${e.line}`,
    expected: "Python that `python3 -m py_compile` accepts",
    found: JSON.stringify(e.msg),
  }));
}
