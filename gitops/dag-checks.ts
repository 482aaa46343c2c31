/**
 * What Airflow would refuse or suffer in a DAG set, found before it is promoted:
 *   - two DAG definitions with the same `dag_id` (Airflow keeps one and reports the other as an import error);
 *   - an import of a module that is neither in the DAG set, nor in the declared requirements, nor in the
 *     standard library, nor airflow (the file fails to parse in Airflow);
 *   - a top-level import of a heavy library (pandas, sklearn, torch, ...): a warning, since every parse of
 *     the file (every 30 s by default) pays for it; import it inside the task that uses it.
 * Each finding names the file and line. Python's own `ast` reads every file, all in ONE interpreter for the
 * whole set (a 2,000-file set is one process); the rules themselves are pure functions of what it read.
 * It writes nothing. Files that do not compile are left to `compilePython` (source.ts), which reports them.
 *
 * Usage (validate-source step):
 *   const { problems, warnings } = checkDags(source.dags);   // a Map of path below dags/ -> content
 *   if (problems.length) throw new InputError(problems);     // warnings: print them, promote anyway
 *
 * Limits, deliberately: a `dag_id` that is not a literal (an f-string, a computed name) cannot be known
 * without running the file and is not compared; imports inside `if TYPE_CHECKING:` are ignored (never run).
 */
import { spawnSync } from "child_process";
import { ConfigProblem } from "../modules/core/errors";

/** A DAG file's content: text, bytes, or a promoter `DesiredFile` (anything with `content`). */
export type DagContent = string | Uint8Array | { readonly content: Uint8Array };

/** Options of `checkDags`. */
export interface DagCheckOptions {
  /**
   * Requirement lines declared for the environment (PEP 508: `name[extra]>=1.0; marker`).
   * @default - the lines of the DAG set's own `requirements.txt`, none if it has none
   */
  readonly requirements?: readonly string[];
  /** How a path below `dags/` is named in findings. @default - `dags/<path>` */
  readonly label?: (path: string) => string;
  /**
   * `.airflowignore` syntax of the environment's Airflow (`[core] dag_ignore_file_syntax`): files it ignores are
   * not checked. @default "glob" (Airflow 3's default; Airflow 2's is "regexp")
   */
  readonly ignoreSyntax?: "glob" | "regexp";
  /** Top-level modules that warn when imported at the top of a file. @default HEAVY_MODULES */
  readonly heavyModules?: ReadonlySet<string>;
  /** Python interpreter. @default - `$PYTHON`, else `python3` */
  readonly python?: string;
}

/** Findings: `problems` are invalid input (do not promote), `warnings` are advice. */
export interface DagCheckResult {
  readonly problems: readonly ConfigProblem[];
  readonly warnings: readonly ConfigProblem[];
}

/** Libraries whose import takes a noticeable part of a second or more. */
export const HEAVY_MODULES: ReadonlySet<string> = new Set([
  "pandas", "numpy", "scipy", "sklearn", "torch", "torchvision", "tensorflow", "keras", "jax", "xgboost",
  "lightgbm", "catboost", "transformers", "matplotlib", "seaborn", "plotly", "pyspark", "polars",
  "statsmodels", "cv2", "spacy", "nltk", "dask", "mlflow", "pyarrow",
]);

/** The requirements file a DAG set may carry at its root. */
export const REQUIREMENTS_FILE = "requirements.txt";

/** One import statement as Python's ast saw it. */
export interface ImportFact {
  /** `import a.b` -> "a.b"; `from a.b import c` -> "a.b"; `from . import c` -> "". */
  readonly module: string;
  /** Names of a `from` import, none for a plain `import`. */
  readonly names: readonly string[];
  /** Leading dots of a relative import. */
  readonly level: number;
  readonly line: number;
  /** Runs when the file is parsed (not inside a function). */
  readonly top: boolean;
}

/** What was read from one file. */
export interface FileFacts {
  readonly path: string;
  readonly imports: readonly ImportFact[];
  readonly dagIds: readonly { readonly id: string; readonly line: number }[];
  /** Set when Python could not parse the file. */
  readonly error?: string;
}

/** Checks a DAG set (paths below `dags/` -> content). See the file header for what is checked. */
export function checkDags(dags: ReadonlyMap<string, DagContent>, opts: DagCheckOptions = {}): DagCheckResult {
  const label = opts.label ?? ((p: string) => `dags/${p}`);
  const problems: ConfigProblem[] = [];
  let requirements = opts.requirements;
  if (requirements === undefined) {
    const req = dags.get(REQUIREMENTS_FILE);
    requirements = req === undefined ? [] : textOf(req).split(/\r?\n/);
  }
  const declared = parseRequirements(requirements, opts.requirements === undefined ? label(REQUIREMENTS_FILE) : "declared requirements");
  problems.push(...declared.problems);

  const ignored = ignoredPaths([...dags.keys()], (p) => textOf(dags.get(p) as DagContent), opts.ignoreSyntax ?? "glob");
  // Every Python file is read: an ignored one is still importable (Airflow only skips it when looking for DAGs).
  const pyFiles = [...dags.keys()].filter((p) => p.endsWith(".py")).sort();
  const read = readPython(new Map(pyFiles.map((p) => [p, bytesOf(dags.get(p) as DagContent)])), opts.python);
  const rules = evaluate(read.facts, {
    parsed: new Set(pyFiles.filter((p) => !ignored.has(p))),
    requirements: declared.names,
    stdlib: read.stdlib,
    heavy: opts.heavyModules ?? HEAVY_MODULES,
    label,
    requirementsLabel: opts.requirements === undefined ? label(REQUIREMENTS_FILE) : "the declared requirements",
  });
  return { problems: [...problems, ...rules.problems], warnings: rules.warnings };
}

/** What `evaluate` needs besides the facts. */
export interface RuleContext {
  /** Files Airflow parses for DAGs (not matched by `.airflowignore`); the others only count when imported. */
  readonly parsed: ReadonlySet<string>;
  /** Normalized distribution names (see `normalizeDist`). */
  readonly requirements: readonly string[];
  readonly stdlib: ReadonlySet<string>;
  readonly heavy: ReadonlySet<string>;
  readonly label: (path: string) => string;
  readonly requirementsLabel: string;
}

/**
 * The rules, pure. dag_ids are compared across the files Airflow parses; imports are checked in those files and
 * in every module of the set they import (directly or not), since Airflow runs those too.
 */
export function evaluate(facts: readonly FileFacts[], ctx: RuleContext): DagCheckResult {
  const problems: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];
  const byPath = new Map(facts.map((f) => [f.path, f]));
  const modules = moduleFiles([...byPath.keys()]);
  const firstSeen = new Map<string, { path: string; line: number }>();
  for (const path of [...ctx.parsed].sort()) {
    for (const d of [...(byPath.get(path)?.dagIds ?? [])].sort((a, b) => a.line - b.line)) {
      const first = firstSeen.get(d.id);
      if (!first) {
        firstSeen.set(d.id, { path, line: d.line });
        continue;
      }
      problems.push({
        file: ctx.label(path),
        field: `line ${d.line}`,
        expected: "a dag_id no other DAG defines (Airflow loads only one of them)",
        found: `dag_id ${JSON.stringify(d.id)}, already defined in ${ctx.label(first.path)} line ${first.line}`,
      });
    }
  }
  const satisfied = requirementMatcher(ctx.requirements);
  const known = (m: string) => m.split(".")[0] === "airflow" || ctx.stdlib.has(m.split(".")[0]) || modules.has(m) || satisfied(m);
  const checked = new Set<string>();
  const todo = [...ctx.parsed].sort();
  while (todo.length > 0) {
    const path = todo.shift() as string;
    const f = byPath.get(path);
    if (!f || checked.has(path)) continue;
    checked.add(path);
    for (const imp of f.imports) {
      const targets = importTargets(path, imp);
      if (targets === undefined) {
        problems.push({
          file: ctx.label(path),
          field: `line ${imp.line}`,
          expected: "a relative import that stays inside the DAG folder's packages",
          found: `from ${".".repeat(imp.level)}${imp.module} import ${imp.names.join(", ")}`,
        });
        continue;
      }
      const missing = unknownTargets(targets, known);
      if (missing.length > 0) {
        problems.push({
          file: ctx.label(path),
          field: `line ${imp.line}`,
          expected: `a module of the DAG set, of ${ctx.requirementsLabel}, of the standard library, or airflow`,
          found: `import of ${missing.map((m) => JSON.stringify(m)).join(", ")}`,
        });
      }
      // Modules of the set this import runs, with the packages above them.
      for (const m of [...targets.anyOf, ...targets.each]) {
        const parts = m.split(".");
        for (let i = 1; i <= parts.length; i++) {
          const file = modules.get(parts.slice(0, i).join("."));
          if (file && !checked.has(file)) todo.push(file);
        }
      }
      const top = (imp.level === 0 ? imp.module : "").split(".")[0];
      if (imp.top && ctx.heavy.has(top)) {
        warnings.push({
          file: ctx.label(path),
          field: `line ${imp.line}`,
          expected: "heavy libraries imported inside the task that uses them (Airflow parses every DAG file every 30 s by default)",
          found: `top-level import of ${JSON.stringify(top)}`,
        });
      }
    }
  }
  const order = (a: ConfigProblem, b: ConfigProblem) => (a.file < b.file ? -1 : a.file > b.file ? 1 : lineOf(a) - lineOf(b));
  return { problems: problems.sort(order), warnings: warnings.sort(order) };
}

function lineOf(p: ConfigProblem): number {
  return Number(/^line (\d+)$/.exec(p.field)?.[1] ?? 0);
}

// `from m import a, b` is fine when m itself is known (a, b are its attributes), or each of m.a and m.b is.
function unknownTargets(t: { anyOf: string[]; each: string[] }, known: (m: string) => boolean): string[] {
  if (t.anyOf.some(known)) return [];
  if (t.each.length === 0) return t.anyOf;
  const missing = t.each.filter((m) => !known(m));
  // None of the names known: the module is what is missing; else name the ones that are.
  return missing.length === t.each.length && t.anyOf.length > 0 ? t.anyOf : missing;
}

/**
 * The module names one import asks for: `anyOf` (the module itself) or else `each` of its `from` names.
 * Relative imports resolve against the file's package; undefined when they climb out of the DAG folder.
 */
export function importTargets(path: string, imp: ImportFact): { anyOf: string[]; each: string[] } | undefined {
  let base = imp.module;
  if (imp.level > 0) {
    const pkg = path.split("/").slice(0, -1);
    if (imp.level - 1 > pkg.length || pkg.length === 0) return undefined;
    const parent = pkg.slice(0, pkg.length - (imp.level - 1));
    if (parent.length === 0) return undefined;
    base = [...parent, ...(imp.module ? [imp.module] : [])].join(".");
  }
  const each = imp.names.filter((n) => n !== "*").map((n) => `${base}.${n}`);
  // `from . import x` names no module of its own: only its names count.
  return { anyOf: imp.level > 0 && !imp.module ? [] : [base], each };
}

/** Module names a DAG set provides, with their files: `a/b.py` -> `a.b`; `a/__init__.py` -> `a`; a folder of
 * Python files without `__init__.py` is a namespace package (no file). The DAG folder is on `sys.path`. */
export function moduleFiles(paths: readonly string[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const p of [...paths].sort()) {
    if (!p.endsWith(".py")) continue;
    const parts = p.slice(0, -3).split("/");
    if (parts[parts.length - 1] === "__init__") parts.pop();
    for (let i = 1; i < parts.length; i++) {
      const pkg = parts.slice(0, i).join(".");
      if (!out.has(pkg)) out.set(pkg, undefined);
    }
    if (parts.length > 0) out.set(parts.join("."), p);
  }
  return out;
}

/** `Foo_Bar.baz` -> `foo-bar-baz`: PEP 503 normalization of a distribution name. */
export function normalizeDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

// Distributions whose import name is not their own name.
const IMPORT_NAMES: Readonly<Record<string, readonly string[]>> = {
  "scikit-learn": ["sklearn"], pyyaml: ["yaml"], "python-dateutil": ["dateutil"], beautifulsoup4: ["bs4"],
  pillow: ["PIL"], "opencv-python": ["cv2"], "opencv-python-headless": ["cv2"], protobuf: ["google.protobuf"],
  "google-api-python-client": ["googleapiclient"], "psycopg2-binary": ["psycopg2"], "psycopg-binary": ["psycopg"],
  attrs: ["attr", "attrs"], "python-dotenv": ["dotenv"], pyjwt: ["jwt"], mysqlclient: ["MySQLdb"],
  "tensorflow-cpu": ["tensorflow"], "msgpack-python": ["msgpack"], "typing-extensions": ["typing_extensions"],
  "apache-beam": ["apache_beam"], "great-expectations": ["great_expectations"], "dvc": ["dvc"],
};

/** The module names a distribution provides, as far as its name tells. */
export function importNamesOf(dist: string): string[] {
  const n = normalizeDist(dist);
  const known = IMPORT_NAMES[n];
  if (known) return [...known];
  const provider = /^apache-airflow-providers-(.+)$/.exec(n);
  if (provider) return [`airflow.providers.${provider[1].replace(/-/g, ".")}`];
  // `azure-storage-blob` installs `azure.storage.blob` (a namespace package), `requests-oauthlib` `requests_oauthlib`.
  return [n.replace(/-/g, "_"), n.replace(/-/g, ".")];
}

function requirementMatcher(dists: readonly string[]): (module: string) => boolean {
  const names = dists.flatMap(importNamesOf);
  return (m) => names.some((n) => m === n || m.startsWith(`${n}.`));
}

// PEP 508 name at the start of a requirement line (`name[extra] >= 1; marker`).
const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

/** Distribution names (normalized) of requirement lines; comments, blank lines and pip options skipped. */
export function parseRequirements(lines: readonly string[], file: string): { names: string[]; problems: ConfigProblem[] } {
  const names: string[] = [];
  const problems: ConfigProblem[] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "" || line.startsWith("-")) return; // -r, -c, --index-url: pip options, no package
    const m = REQUIREMENT.exec(line);
    if (!m || (m[3] !== "" && !/^(@|[<>=!~;(,]|===)/.test(m[3]))) {
      problems.push({ file, field: `line ${i + 1}`, expected: "a requirement like `name`, `name>=1.2` or `name[extra]==1.2`", found: JSON.stringify(raw) });
      return;
    }
    names.push(normalizeDist(m[1]));
  });
  return { names, problems };
}

/**
 * Paths Airflow skips because of `.airflowignore` files (each applies to its folder and below).
 * "regexp": each line is a regular expression searched in the path relative to that folder (Airflow 2's default);
 * "glob": gitignore-style patterns (Airflow 3's default), `#` comments, `!` negation.
 */
export function ignoredPaths(paths: readonly string[], read: (path: string) => string, syntax: "glob" | "regexp"): Set<string> {
  const rules: { dir: string; test: (rel: string) => boolean | undefined }[] = [];
  for (const p of paths.filter((x) => x === ".airflowignore" || x.endsWith("/.airflowignore")).sort()) {
    const dir = p.slice(0, -".airflowignore".length);
    for (const raw of read(p).split(/\r?\n/)) {
      const line = syntax === "regexp" ? raw.replace(/\s*#.*$/, "").trim() : raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      rules.push({ dir, test: syntax === "regexp" ? regexpRule(line) : globRule(line) });
    }
  }
  const out = new Set<string>();
  for (const p of paths) {
    let ignored = false;
    for (const r of rules) {
      if (!p.startsWith(r.dir)) continue;
      const verdict = r.test(p.slice(r.dir.length));
      if (verdict !== undefined) ignored = verdict;
    }
    if (ignored) out.add(p);
  }
  return out;
}

function regexpRule(pattern: string): (rel: string) => boolean | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return () => undefined; // Airflow skips a pattern it cannot compile, too
  }
  // Airflow tests a file and each folder above it; the full relative path covers both for a search.
  return (rel) => (re.test(rel) ? true : undefined);
}

function globRule(line: string): (rel: string) => boolean | undefined {
  const negate = line.startsWith("!");
  let pat = negate ? line.slice(1) : line;
  const dirOnly = pat.endsWith("/");
  if (dirOnly) pat = pat.slice(0, -1);
  const anchored = pat.startsWith("/") || pat.includes("/");
  if (pat.startsWith("/")) pat = pat.slice(1);
  const body = pat
    .split("**")
    .map((part) => part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]"))
    .join(".*");
  // The pattern names a file or a folder; a folder's match covers everything below it.
  const re = new RegExp(`${anchored ? "^" : "(^|/)"}${body}${dirOnly ? "/" : "(/|$)"}`);
  return (rel) => (re.test(rel) ? !negate : undefined);
}

// Reads imports and literal dag_ids of every file; one interpreter for the whole set.
const READ_PY = `
import ast, base64, json, sys
if sys.version_info < (3, 10):
    sys.exit("python >= 3.10 needed (sys.stdlib_module_names)")

def literal(node, consts):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return consts.get(node.id)
    return None

def is_name(node, name):
    return (isinstance(node, ast.Name) and node.id == name) or (isinstance(node, ast.Attribute) and node.attr == name)

def read(path, source):
    tree = ast.parse(source, path)
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = literal(node.value, {})
            if v is not None:
                consts[node.targets[0].id] = v
    nodes = list(ast.walk(tree))
    # Line spans of function bodies (imports there run when the task runs, not at parse time) and of
    # \`if TYPE_CHECKING:\` bodies (never run); one walk, no recursion: 2,000 files stay fast.
    functions, never = [], []
    for n in nodes:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append((n.body[0].lineno, n.end_lineno))
        elif isinstance(n, ast.If) and is_name(n.test, "TYPE_CHECKING"):
            never.append((n.body[0].lineno, n.body[-1].end_lineno))
    inside = lambda line, spans: any(a <= line <= b for a, b in spans)
    imports, dags = [], []
    for node in nodes:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if never and inside(node.lineno, never):
                continue
            top = not (functions and inside(node.lineno, functions))
            if isinstance(node, ast.Import):
                for a in node.names:
                    imports.append({"module": a.name, "names": [], "level": 0, "line": node.lineno, "top": top})
            else:
                imports.append({"module": node.module or "", "names": [a.name for a in node.names], "level": node.level, "line": node.lineno, "top": top})
        elif isinstance(node, ast.Call) and is_name(node.func, "DAG"):
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            v = literal(kw["dag_id"], consts) if "dag_id" in kw else (literal(node.args[0], consts) if node.args else None)
            if v is not None:
                dags.append({"id": v, "line": node.lineno})
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in node.decorator_list:
                if is_name(d, "dag"):
                    dags.append({"id": node.name, "line": node.lineno})
                elif isinstance(d, ast.Call) and is_name(d.func, "dag"):
                    kw = {k.arg: k.value for k in d.keywords if k.arg}
                    v = literal(kw["dag_id"], consts) if "dag_id" in kw else (literal(d.args[0], consts) if d.args else node.name)
                    if v is not None:
                        dags.append({"id": v, "line": node.lineno})
    return {"path": path, "imports": imports, "dagIds": dags}

out = []
for path, b64 in json.load(sys.stdin).items():
    try:
        out.append(read(path, base64.b64decode(b64)))
    except (SyntaxError, ValueError) as e:
        out.append({"path": path, "imports": [], "dagIds": [], "error": str(e)})
# json.dumps uses the C encoder; json.dump to a stream does not (5x slower on large sets).
sys.stdout.write(json.dumps({"files": out, "stdlib": sorted(sys.stdlib_module_names)}))
`;

/** Runs the reader over `files` (path -> bytes) in one python process. */
export function readPython(files: ReadonlyMap<string, Uint8Array>, python?: string): { facts: FileFacts[]; stdlib: Set<string> } {
  if (files.size === 0) return { facts: [], stdlib: new Set() };
  const exe = python ?? process.env.PYTHON ?? "python3";
  const input = JSON.stringify(Object.fromEntries([...files].map(([p, b]) => [p, Buffer.from(b).toString("base64")])));
  const r = spawnSync(exe, ["-c", READ_PY], { input, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" }, maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    throw new Error(`cannot read DAG imports with ${exe}: ${r.error?.message ?? r.stderr.trim()}`);
  }
  const parsed = JSON.parse(r.stdout) as { files: FileFacts[]; stdlib: string[] };
  // A file Python cannot parse stays in (no imports, no dag_ids): it is still a module others may import,
  // and compilePython reports its syntax error.
  return { facts: parsed.files, stdlib: new Set(parsed.stdlib) };
}

function bytesOf(c: DagContent): Uint8Array {
  if (typeof c === "string") return Buffer.from(c, "utf8");
  if (c instanceof Uint8Array) return c;
  return c.content;
}

function textOf(c: DagContent): string {
  return Buffer.from(bytesOf(c)).toString("utf8");
}
