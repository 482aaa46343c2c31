/**
 * What Airflow would refuse or suffer in a DAG set, found before it is promoted:
 *   - two DAG definitions with the same `dag_id` (Airflow keeps one and reports the other as an import error);
 *   - an import of a module that is neither in the DAG set, nor in the declared requirements, nor in the
 *     standard library, nor airflow (the file fails to parse in Airflow);
 *   - a top-level import of a heavy library (pandas, sklearn, torch, ...): a warning, since every parse of
 *     the file (every 30 s by default) pays for it; import it inside the task that uses it.
 * Each finding names the file and line. Python's own compiler reads every file, all in ONE interpreter for the
 * whole set (python-reader.ts; the source reader already ran it, so its reading is passed in); the rules
 * themselves are pure functions of what it read. It writes nothing. Files that do not compile are
 * reported by the source reader (source.ts), not here.
 *
 * Usage (validate-source step):
 *   const { problems, warnings } = await checkDags(source.dags, { reading: source.python }); // path below dags/ -> content
 *   if (problems.length) throw new InputError(problems);     // warnings: print them, promote anyway
 *
 * Limits, deliberately: a `dag_id` that is not a literal (an f-string, a computed name) cannot be known
 * without running the file and is not compared; imports inside `if TYPE_CHECKING:` are ignored (never run).
 */
import { ConfigProblem } from "../modules/core/errors";
import { ignoredPaths } from "./airflow-ignore";
import { parseRequirements, requirementMatcher } from "./dag-requirements";
import { FileFacts, ImportFact, PythonReading, readPython } from "./python-reader";

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
  /** What Python already read from the set's `.py` files (readPython). @default - read here, in one process */
  readonly reading?: PythonReading;
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

/** Checks a DAG set (paths below `dags/` -> content). See the file header for what is checked. */
export async function checkDags(dags: ReadonlyMap<string, DagContent>, opts: DagCheckOptions = {}): Promise<DagCheckResult> {
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
  const read = opts.reading ?? (await readPython(pyFiles.map((p) => [p, bytesOf(dags.get(p) as DagContent)] as const), opts.python));
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
  const parsed = [...ctx.parsed].sort();
  for (const path of parsed) {
    const ids = byPath.get(path)?.dagIds ?? [];
    for (const d of ids.length > 1 ? [...ids].sort((a, b) => a.line - b.line) : ids) {
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
  const known = (m: string) => {
    const dot = m.indexOf(".");
    const top = dot < 0 ? m : m.slice(0, dot);
    return top === "airflow" || ctx.stdlib.has(top) || modules.has(m) || satisfied(m);
  };
  const checked = new Set<string>();
  const todo = [...parsed];
  // A queue by index: shift() on a 20,000-file set moves the whole array each time.
  for (let next = 0; next < todo.length; next++) {
    const path = todo[next];
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
        // Each dotted prefix of m, then m itself: a.b.c -> a, a.b, a.b.c.
        for (let dot = m.indexOf("."); ; dot = m.indexOf(".", dot + 1)) {
          const file = modules.get(dot < 0 ? m : m.slice(0, dot));
          if (file && !checked.has(file)) todo.push(file);
          if (dot < 0) break;
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

function bytesOf(c: DagContent): Uint8Array {
  if (typeof c === "string") return Buffer.from(c, "utf8");
  if (c instanceof Uint8Array) return c;
  return c.content;
}

function textOf(c: DagContent): string {
  return Buffer.from(bytesOf(c)).toString("utf8");
}
