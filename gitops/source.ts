/**
 * Reads a promotion source: a folder with `dags/**` and/or `models/<name>.json` (a CI checkout, or an
 * environment folder `deployments/<env>/` of the target clone). Validates manifests with zod and DAG
 * Python with the interpreter's own compiler (one process for the whole set, fed while the files are
 * read: python-reader.ts), and returns every problem rather than the first, plus what Python read
 * (the DAG checks reuse it). It writes nothing: no `__pycache__` in the source, no git.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigProblem } from "../modules/core/errors";
import { describeKind, entryKind, readManifestFolder } from "../modules/core/deployed-manifests";
import { ModelManifest } from "../modules/core/model-manifest";
import { DesiredFile, desiredFile } from "./plan-changes";
import { PythonReader, PythonReading } from "./python-reader";

/** A validated source: the complete DAG set (when it has `dags/`) and the manifests it holds. */
export interface PromotionSource {
  /** DAG files by path below `dags/`. @default - the source has no dags/: DAGs are left alone */
  readonly dags?: ReadonlyMap<string, DesiredFile>;
  readonly manifests: readonly ModelManifest[];
  /** What Python read from the `.py` files of `dags` (imports, dag_ids). @default - not read */
  readonly python?: PythonReading;
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
  /** Largest DAG file accepted, in bytes; a bigger one is invalid input. @default DEFAULT_MAX_DAG_FILE_BYTES */
  readonly maxDagFileBytes?: number;
}

/** 10 MB: DAG folders hold code and small configs; anything larger is build output or data that slipped in. */
export const DEFAULT_MAX_DAG_FILE_BYTES = 10 * 1024 * 1024;

// Names git refuses as a path component (verify_path: `.git` in any case, and its NTFS/HFS aliases).
const GIT_DIR_NAME = /^(\.git[. ]*|git~1)$/i;

/** Reads and validates `dir`. `root` is what file names in problems are relative to. */
export async function readSource(dir: string, root: string = process.cwd(), opts: ReadSourceOptions = {}): Promise<SourceReading> {
  const problems: ConfigProblem[] = [];
  const rel = (p: string) => path.relative(root, p) || ".";
  const dirKind = entryKind(dir);
  if (dirKind !== "folder" && !(dirKind === "symlink" && fs.existsSync(dir) && fs.statSync(dir).isDirectory())) {
    const found = dirKind === "missing" ? "no such file or folder" : dirKind === "symlink" ? "a symbolic link to something that is not a folder" : describeKind(dirKind);
    return { source: { manifests: [] }, problems: [{ file: rel(dir), field: "", expected: "a folder with dags/ and/or models/", found }] };
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
  let python: PythonReading | undefined;
  if (dagsKind === "folder") {
    const read = new Map<string, DesiredFile>();
    dags = read;
    const pyFiles: string[] = [];
    const limit = opts.maxDagFileBytes ?? DEFAULT_MAX_DAG_FILE_BYTES;
    const ignored: string[] = [];
    // The interpreter starts first, so its start-up overlaps the walk; each file is read once and its
    // bytes go to Python while the next ones are read.
    const reader = PythonReader.start();
    const tooLarge: ConfigProblem[] = [];
    try {
      for (const [file, key] of walk(dagsDir, problems, rel, ignored)) {
        const content = readLimited(file, limit);
        if (typeof content === "number") {
          tooLarge.push({ file: rel(file), field: "", expected: `a DAG file of at most ${megabytes(limit)} (--max-dag-file-mb)`, found: `${megabytes(content)}` });
          continue;
        }
        read.set(key, desiredFile(content));
        if (file.endsWith(".py")) {
          pyFiles.push(file);
          await reader.add(key, content);
        }
      }
    } catch (e) {
      reader.abort();
      throw e;
    }
    python = await reader.finish();
    // After every problem of the walk, as when the folder was walked before any file was read.
    problems.push(...tooLarge);
    // The guard counts Python files: a dags/ holding only a .gitkeep or a README deletes every DAG just the same.
    if (pyFiles.length === 0 && !opts.allowEmptyDags && !problems.some((p) => p.file.startsWith(rel(dagsDir)))) {
      const held = [...dags.keys(), ...ignored].sort();
      problems.push({
        file: rel(dagsDir),
        field: "",
        expected:
          "at least one DAG file: dags/ is the environment's complete DAG set, so an empty one deletes every DAG there " +
          "(pass --allow-empty-dags to do that on purpose; leave dags/ out to keep the DAGs as they are)",
        found: held.length > 0 ? `no DAG file (it holds only ${held.join(", ")})` : "an empty folder",
      });
    }
    for (const f of python.facts) {
      if (!f.error) continue;
      problems.push({
        file: rel(path.join(dagsDir, ...f.path.split("/"))),
        field: f.error.line === null ? "" : `line ${f.error.line}`,
        expected: "Python that `python3 -m py_compile` accepts",
        found: JSON.stringify(f.error.msg),
      });
    }
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
  return { source: { dags, manifests, python }, problems };
}

function megabytes(bytes: number): string {
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}

/**
 * Every regular file below `dir` with its path below it (`/`-separated), in name order (lstat: links are problems, never followed). Names git
 * cannot store (a `.git` component) and names that are not UTF-8 are problems; build output is skipped
 * and its top-level names are collected in `ignored`. Lazy: the caller reads each file as it comes.
 */
function* walk(dir: string, problems: ConfigProblem[], rel: (p: string) => string, ignored: string[], prefix = ""): Generator<readonly [string, string]> {
  const entries = fs.readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
  for (const entry of entries.sort((a, b) => Buffer.compare(a.name, b.name))) {
    const name = entry.name.toString("utf8");
    const full = path.join(dir, name);
    if (!Buffer.from(name, "utf8").equals(entry.name)) {
      problems.push({
        file: rel(dir),
        field: "",
        expected: "file names in UTF-8 (git and Airflow read names as UTF-8)",
        found: `a name that is not UTF-8: ${JSON.stringify(name)} (bytes ${entry.name.toString("hex").replace(/(..)/g, "$1 ").trim()})`,
      });
      continue;
    }
    if (IGNORED.has(name) || name.endsWith(".pyc")) {
      if (prefix === "") ignored.push(name);
      continue;
    }
    if (GIT_DIR_NAME.test(name)) {
      problems.push({
        file: rel(full),
        field: "",
        expected: "a DAG file or folder git can store (git refuses a path with a .git component)",
        found: `a ${entry.isDirectory() ? "folder" : "file"} named ${JSON.stringify(name)}`,
      });
    } else if (entry.isSymbolicLink()) {
      problems.push({ file: rel(full), field: "", expected: "a regular file (symbolic links are not promoted)", found: "a symbolic link" });
    } else if (entry.isDirectory()) {
      yield* walk(full, problems, rel, ignored, `${prefix}${name}/`);
    } else if (entry.isFile()) {
      yield [full, prefix + name];
    }
  }
}

/**
 * A file's bytes, or its size when it is over `limit` (then nothing is read). One open, one fstat, one
 * read: the size comes from the descriptor that is read, no separate lstat.
 */
function readLimited(file: string, limit: number): Buffer | number {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size > limit) return size;
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) break; // shrank meanwhile: what is there is what is promoted
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}
