# The Python side of gitops/python-reader.ts: reads every source file it is sent over stdin, in one interpreter
# (see the TypeScript file for the protocol). Run with `python3 -S -c "<this file>"`: no site import, no bytecode.
import gc, sys
# A short-lived process that keeps what it read: collection passes over the growing result only cost
# (they were a third of the time at 20,000 files), and nothing here makes reference cycles.
gc.disable()
if sys.version_info < (3, 10):
    sys.exit("python >= 3.10 needed (sys.stdlib_module_names)")
import json, re

ast = None  # imported when a file needs its syntax tree (most do not)
AST_ONLY = 0x400  # ast.PyCF_ONLY_AST, without importing ast

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
DAG_CALL = re.compile(rb"\bDAG(?:\s|\\|#[^\r\n]*)*\(")

def statements(body, out):
    # Every statement, nested ones included: imports, functions and if are statements.
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

NEWLINE = re.compile(rb"\r\n?|\n")

def name_lines(source, name):
    """The lines (as Python counts them, sorted) where the identifier appears; None when any line may hold it."""
    if not source.isascii():
        return None  # identifiers are NFKC-normalized: another spelling may be the same name
    lines, line, last = [], 1, 0
    for m in re.finditer(rb"\b" + name + rb"\b", source):
        line += len(NEWLINE.findall(source, last, m.start()))
        last = m.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines

BODY_FIELDS = {}

def body_fields(t):
    """The fields of a statement type that hold statements or decorators, in the order ast.walk visits them."""
    fields = BODY_FIELDS.get(t)
    if fields is None:
        fields = BODY_FIELDS[t] = tuple(f for f in t._fields if f in ("body", "orelse", "finalbody", "handlers", "cases", "decorator_list"))
    return fields

def on_lines(first, last, lines):
    """True when one of lines (sorted) is in first..last."""
    i = bisect.bisect_left(lines, first)
    return i < len(lines) and lines[i] <= last

def walk(tree, lines):
    """
    ast.walk's nodes in its order (breadth first), less the expressions on lines where the name DAG is
    not: every statement (imports, functions, if) and every node that may be or hold a DAG(...) call,
    which spans a line with the name. Nodes without a position are walked; inside an f-string all
    are (their positions were not always right before 3.12). lines None: every node.
    """
    out = []
    todo = collections.deque([(tree, lines is None)])
    AST = ast.AST
    while todo:
        node, every = todo.popleft()
        out.append(node)
        if not every and isinstance(node, STATEMENT_LIKE) and not on_lines(node.lineno, node.end_lineno, lines):
            # A statement off those lines holds no call to find, only statements (and decorators, which
            # sit above its first line): the same nodes in the same order, without looking at the rest.
            for field in body_fields(type(node)):
                for child in getattr(node, field):
                    if field != "decorator_list" or on_lines(child.lineno, child.end_lineno, lines):
                        todo.append((child, False))
            continue
        every = every or type(node) is ast.JoinedStr
        for field in node._fields:
            value = getattr(node, field, None)
            for child in (value if type(value) is list else (value,)):
                if not isinstance(child, AST):
                    continue
                if every or isinstance(child, STATEMENT_LIKE):
                    todo.append((child, every))
                    continue
                start = getattr(child, "lineno", None)
                if start is None:
                    todo.append((child, False))
                    continue
                if on_lines(start, getattr(child, "end_lineno", None) or start, lines):
                    todo.append((child, False))
    return out

def spans_test(spans):
    """A test "is this line in one of spans" ((first, last) inclusive), by bisection over the merged spans."""
    if not spans:
        return lambda line: False
    starts, ends = [], []
    for a, b in sorted(spans):
        if ends and a <= ends[-1] + 1:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    def test(line):
        i = bisect.bisect_right(starts, line) - 1
        return i >= 0 and line <= ends[i]
    return test

def from_tree(path, tree, source, reference=False):
    consts = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = literal(node.value, {})
            if v is not None:
                consts[node.targets[0].id] = v
    # Expressions are walked only where a DAG(...) call may be: walking them is most of the cost.
    nodes = statements(tree.body, []) if not DAG_CALL.search(source) else walk(tree, None if reference else name_lines(source, b"DAG"))
    # Line spans of function bodies (imports there run when the task runs, not at parse time) and of
    # "if TYPE_CHECKING:" bodies (never run); one walk, no recursion: 2,000 files stay fast.
    functions, never, wanted = [], [], []
    Import, ImportFrom, Call, If, Function = ast.Import, ast.ImportFrom, ast.Call, ast.If, (ast.FunctionDef, ast.AsyncFunctionDef)
    for n in nodes:
        t = type(n)
        if t is Import or t is ImportFrom or t is Call:
            wanted.append(n)
        elif isinstance(n, Function):
            functions.append((n.body[0].lineno, n.end_lineno))
            wanted.append(n)
        elif isinstance(n, If) and is_name(n.test, "TYPE_CHECKING"):
            never.append((n.body[0].lineno, n.body[-1].end_lineno))
    in_function, never_runs = spans_test(functions), spans_test(never)
    imports, dags = [], []
    for node in wanted:
        if isinstance(node, (Import, ImportFrom)):
            if never_runs(node.lineno):
                continue
            top = not in_function(node.lineno)
            if isinstance(node, Import):
                for a in node.names:
                    imports.append({"module": a.name, "names": [], "level": 0, "line": node.lineno, "top": top})
            else:
                imports.append({"module": node.module or "", "names": [a.name for a in node.names], "level": node.level, "line": node.lineno, "top": top})
        elif isinstance(node, Call):
            if is_name(node.func, "DAG"):
                kw = {k.arg: k.value for k in node.keywords if k.arg}
                v = literal(kw["dag_id"], consts) if "dag_id" in kw else (literal(node.args[0], consts) if node.args else None)
                if v is not None:
                    dags.append({"id": v, "line": node.lineno})
        elif isinstance(node, Function):
            for d in node.decorator_list:
                if is_name(d, "dag"):
                    dags.append({"id": node.name, "line": node.lineno})
                elif isinstance(d, Call) and is_name(d.func, "dag"):
                    kw = {k.arg: k.value for k in d.keywords if k.arg}
                    v = literal(kw["dag_id"], consts) if "dag_id" in kw else (literal(d.args[0], consts) if d.args else node.name)
                    if v is not None:
                        dags.append({"id": v, "line": node.lineno})
    return {"path": path, "imports": imports, "dagIds": dags}

# The same imports read from the compiled code instead of a syntax tree (building the tree's Python
# objects was half the cost), for files the tree would tell nothing more about: no DAG(...) call (the
# text test above), no name "dag" (an @dag function), no TYPE_CHECKING. Each import statement compiles
# to LOAD_CONST level, LOAD_CONST names, IMPORT_NAME module, at the statement's line and column; code
# inside a function (CO_OPTIMIZED) runs when the task runs. Anything else it cannot vouch for, it
# leaves to the tree (None): a compiler that removed an import (dead code: fewer statements than
# "import" keywords in the text), or copied one (a finally: block), or code it does not know.
if sys.version_info >= (3, 11):
    import opcode
    IMPORT_NAME = opcode.opmap["IMPORT_NAME"]
    LOAD_CONST = opcode.opmap["LOAD_CONST"]
    EXTENDED_ARG = opcode.EXTENDED_ARG
    HAS_IMPORT = bytes([IMPORT_NAME])
    CodeType = type(compile("", "", "exec"))
else:
    IMPORT_NAME = None
IMPORT_WORD = re.compile(rb"\bimport\b")

def unit_arg(ops, args, k):
    """The first code unit and the argument of the instruction whose opcode is at unit k."""
    arg, shift, start = args[k], 8, k
    while start > 0 and ops[start - 1] == EXTENDED_ARG:
        start -= 1
        arg |= args[start] << shift
        shift += 8
    return start, arg

def from_code(path, code, source):
    if IMPORT_NAME is None:
        return None
    found = []
    stack = [(code, True)]
    while stack:
        co, outer_top = stack.pop()
        if "dag" in co.co_names or "TYPE_CHECKING" in co.co_names or "dag" in co.co_varnames or "dag" in co.co_cellvars or "dag" in co.co_freevars:
            return None
        if co.co_name.startswith("<") and co.co_name not in ("<module>", "<lambda>", "<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"):
            return None  # an annotation scope (generic parameters) or a code object of a newer compiler
        top = outer_top and not (co.co_flags & 1)  # CO_OPTIMIZED: a function's code
        consts = co.co_consts
        for c in consts:
            if type(c) is CodeType:
                stack.append((c, top))
        raw = co.co_code
        ops = raw[::2]
        k = ops.find(HAS_IMPORT)
        if k < 0:
            continue
        args = raw[1::2]
        positions = list(co.co_positions())
        while k >= 0:
            start, name = unit_arg(ops, args, k)
            # The two instructions before: LOAD_CONST level, LOAD_CONST names (None for "import m").
            if start < 2 or ops[start - 1] != LOAD_CONST:
                return None
            start2, names = unit_arg(ops, args, start - 1)
            if start2 < 1 or ops[start2 - 1] != LOAD_CONST:
                return None
            level, names = consts[unit_arg(ops, args, start2 - 1)[1]], consts[names]
            if type(level) is not int or not (names is None or (type(names) is tuple and all(type(n) is str for n in names))):
                return None
            line, _, col, _ = positions[k]
            if line is None or col is None:
                return None
            found.append((line, col, len(found), co.co_names[name], names, level, top))
            k = ops.find(HAS_IMPORT, k + 1)
    if len({(f[0], f[1], f[3], f[4], f[5]) for f in found}) != len(found):
        return None  # the same statement compiled twice (a finally: body)
    if len({(f[0], f[1]) for f in found}) != len(IMPORT_WORD.findall(source)):
        return None  # an import the compiler dropped, or the word in a string or comment
    found.sort()
    imports = [{"module": m, "names": list(names) if names is not None else [], "level": level, "line": line, "top": top} for line, _, _, m, names, level, top in found]
    return {"path": path, "imports": imports, "dagIds": []}

def main():
    global ast
    via_tree = len(sys.argv) > 1 and sys.argv[1] == "--tree"
    out = []
    stdin = sys.stdin.buffer
    while True:
        header = stdin.readline()
        if not header:
            break
        plen, clen = map(int, header.split())
        path = stdin.read(plen).decode("utf-8", "surrogateescape")
        source = stdin.read(clen)
        code = tree = None
        try:
            if via_tree or DAG_CALL.search(source):
                tree = compile(source, path, "exec", AST_ONLY, dont_inherit=True)
                # Compiling the tree finds what the compiler adds (return outside a function, ...).
                compile(tree, path, "exec", dont_inherit=True)
            else:
                # What py_compile checks, from the text; the facts then come from the code when they can.
                code = compile(source, path, "exec", dont_inherit=True)
        except SyntaxError as e:
            out.append({"path": path, "imports": [], "dagIds": [], "error": {"line": e.lineno, "msg": e.msg}})
            continue
        except Exception as e:
            out.append({"path": path, "imports": [], "dagIds": [], "error": {"line": None, "msg": str(e)}})
            continue
        facts = from_code(path, code, source) if code is not None else None
        if facts is None:
            if ast is None:
                import ast, bisect, collections
                globals().update(bisect=bisect, collections=collections)
                globals()["STATEMENT_LIKE"] = (ast.stmt, ast.excepthandler)
            if tree is None:
                tree = compile(source, path, "exec", AST_ONLY, dont_inherit=True)
            facts = from_tree(path, tree, source, via_tree)
        out.append(facts)

    # json.dumps uses the C encoder; json.dump to a stream does not (5x slower on large sets).
    sys.stdout.write(json.dumps({"files": out, "stdlib": sorted(sys.stdlib_module_names)}))

main()
