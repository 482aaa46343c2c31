/**
 * Python's own reading of a set of source files, in ONE interpreter for the whole set: each file is
 * parsed once and compiled from that tree (what `python3 -m py_compile` checks, without writing any
 * bytecode), and from the same tree come its imports and its literal dag_ids (for dag-checks.ts).
 * The sources go over stdin as bytes, so what is checked is exactly what is promoted, and they are
 * streamed while the caller still reads files: Python works on the other core meanwhile.
 */
import { spawn } from "child_process";

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

/** Why Python refuses a file: a syntax error with its line, or another compile error (no line). */
export interface PythonSyntaxError {
  readonly line: number | null;
  readonly msg: string;
}

/** What was read from one file. */
export interface FileFacts {
  readonly path: string;
  readonly imports: readonly ImportFact[];
  readonly dagIds: readonly { readonly id: string; readonly line: number }[];
  /** Set when Python does not compile the file (then it has no imports and no dag_ids). */
  readonly error?: PythonSyntaxError;
}

/** Every file's facts, and the interpreter's standard-library module names. */
export interface PythonReading {
  readonly facts: readonly FileFacts[];
  readonly stdlib: ReadonlySet<string>;
}

// Input: per file a line "<path bytes> <content bytes>\n", the path (UTF-8), then the content.
const READ_PY = `
import ast, json, re, sys
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

# The tokens NAME "DAG" and "(" with only blanks, line continuations or comments between: a file
# without this text has no DAG(...) call (a match inside a string only costs the full walk).
DAG_CALL = re.compile(rb"\\bDAG(?:\\s|\\\\|#[^\\r\\n]*)*\\(")

def statements(body, out):
    # Every statement, nested ones included: imports, functions and \`if\` are statements.
    for s in body:
        out.append(s)
        for field in ("body", "orelse", "finalbody"):
            sub = getattr(s, field, None)
            if sub:
                statements(sub, out)
        for h in getattr(s, "handlers", ()):
            statements(h.body, out)
        for c in getattr(s, "cases", ()):
            statements(c.body, out)
    return out

def read(path, tree, source):
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = literal(node.value, {})
            if v is not None:
                consts[node.targets[0].id] = v
    # Expressions are walked only where a DAG(...) call may be: walking them is most of the cost.
    nodes = list(ast.walk(tree)) if DAG_CALL.search(source) else statements(tree.body, [])
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
stdin = sys.stdin.buffer
while True:
    header = stdin.readline()
    if not header:
        break
    plen, clen = map(int, header.split())
    path = stdin.read(plen).decode("utf-8", "surrogateescape")
    source = stdin.read(clen)
    try:
        # Parsed once; compiling the tree finds what the compiler adds (return outside a function, ...).
        tree = compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        out.append({"path": path, "imports": [], "dagIds": [], "error": {"line": e.lineno, "msg": e.msg}})
        continue
    except Exception as e:
        out.append({"path": path, "imports": [], "dagIds": [], "error": {"line": None, "msg": str(e)}})
        continue
    out.append(read(path, tree, source))
# json.dumps uses the C encoder; json.dump to a stream does not (5x slower on large sets).
sys.stdout.write(json.dumps({"files": out, "stdlib": sorted(sys.stdlib_module_names)}))
`;

/**
 * Runs the reader over `files` (path, bytes) in one python process (`python`, else `$PYTHON`, else
 * `python3`), with PYTHONDONTWRITEBYTECODE set. `files` is consumed while Python reads: a generator that
 * reads files from disk overlaps with Python's work. Throws when the interpreter cannot run the reader.
 */
export async function readPython(files: Iterable<readonly [string, Uint8Array]>, python?: string): Promise<PythonReading> {
  const it = files[Symbol.iterator]();
  let next = it.next();
  if (next.done) return { facts: [], stdlib: new Set() };
  const exe = python ?? process.env.PYTHON ?? "python3";
  const child = spawn(exe, ["-c", READ_PY], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" }, stdio: ["pipe", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => stdout.push(b));
  child.stderr.on("data", (b: Buffer) => stderr.push(b));
  const ended = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on("error", (error) => resolve({ code: null, error }));
    child.on("close", (code) => resolve({ code }));
  });
  // A reader that died early closes its stdin: stop writing, the exit status tells why.
  let broken = false;
  child.stdin.on("error", () => {
    broken = true;
  });
  try {
    for (; !next.done && !broken; next = it.next()) {
      const [p, content] = next.value;
      const name = Buffer.from(p, "utf8");
      child.stdin.write(`${name.length} ${content.length}\n`);
      child.stdin.write(name);
      // Back-pressure: wait for the pipe to drain, which also lets Python start on what it has.
      if (!child.stdin.write(content)) await drained(child.stdin);
    }
  } catch (e) {
    // The caller's files failed to read: no reading to wait for.
    child.kill();
    throw e;
  } finally {
    child.stdin.end();
  }
  const r = await ended;
  if (r.error || r.code !== 0) {
    throw new Error(`cannot read the DAG files with ${exe}: ${r.error?.message ?? (Buffer.concat(stderr).toString("utf8").trim() || `exit ${r.code}`)}`);
  }
  const parsed = JSON.parse(Buffer.concat(stdout).toString("utf8")) as { files: FileFacts[]; stdlib: string[] };
  return { facts: parsed.files, stdlib: new Set(parsed.stdlib) };
}

/** Resolves when `stream` drained or closed, removing both listeners (no leak over thousands of waits). */
function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.removeListener("drain", done);
      stream.removeListener("close", done);
      resolve();
    };
    stream.once("drain", done).once("close", done);
  });
}
