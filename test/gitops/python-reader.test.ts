/**
 * gitops/python-reader.ts: most files' imports are read from their compiled code, the others from their
 * syntax tree; both readings must give the same facts, and the compile check must refuse what py_compile does.
 */
import { FileFacts, readPython } from "../../gitops/python-reader";

// Files each written to trip one shortcut of the code reading; the tree reading is the reference. Read from
// code (python 3.11): plain, aliases, same-line, nested, try, match, empty; the others fall back to the tree.
const CORPUS: Record<string, string> = {
  "plain.py": "from airflow import DAG\n\n# dag 1 revision 0\nDAG_ID = 'dag_1'\n",
  "aliases.py": "import a.b as c, d\nfrom x.y import (\n    p,\n    q as r,\n)\nfrom . import sibling\nfrom ..up import *\n",
  "same-line.py": "import j; import k\n",
  "twice.py": "import a, a\n",
  "try.py": "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\n",
  "nested.py": "class K:\n    import in_class\n    def m(self):\n        import in_method\n        class Inner:\n            import in_inner_class\n\ndef f():\n    import in_function\nasync def g():\n    from h import i\nlambda: 0\n[x for x in ()]\n",
  "finally.py": "try:\n    import a\nexcept ImportError:\n    import b\nelse:\n    import c\nfinally:\n    import d\n",
  "dead.py": "import live\nif False:\n    import dead_if\ndef f():\n    return\n    import dead_after_return\nif not __debug__:\n    import dead_debug\n",
  "word-in-text.py": "import real\ns = 'import fake'\n# import in a comment\n",
  "type-checking.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import never\nimport typing\nif typing.TYPE_CHECKING:\n    import never_either\n",
  "dag-decorator.py": "from airflow.sdk import dag\n@dag(schedule=None)\ndef nightly():\n    import inside\n",
  "dag-local.py": "def outer(dag):\n    @dag\n    def inner():\n        pass\n",
  "dag-calls.py":
    "from airflow import DAG\nimport airflow\nNAME = 'n'\na = f(DAG('x')), DAG('y')\nwith DAG(dag_id=NAME):\n    import json\ndef t(d=DAG('default')):\n    import requests\n" +
    "s = f'{DAG(\"in_fstring\")}'\n(DAG)('paren')\nairflow.DAG(\n    'multi',\n)\nclass C:\n    DAG('in_class')\n@decorate(DAG('decorator'))\ndef u():\n    pass\n",
  "dag-call-unicode.py": "from airflow import DAG\nnom = 'é'\nDAG('accent')\n",
  "cr-lines.py": "import a\rfrom airflow import DAG\rDAG('cr')\r",
  "match.py": "match x:\n    case 1:\n        import in_case\n",
  "match-dag.py": "match x:\n    case 1:\n        import in_case\n    case _:\n        DAG('in_match')\n",
  "empty.py": "",
};

const read = (files: Record<string, string>, viaTree: boolean) =>
  readPython(Object.entries(files).map(([p, c]) => [p, Buffer.from(c, "utf8")] as const), undefined, { viaTree });

/** Facts with imports in line order (the two readings may list same-file imports in another order). */
const normalized = (facts: readonly FileFacts[]) =>
  facts.map((f) => ({ ...f, imports: [...f.imports].sort((a, b) => a.line - b.line || a.module.localeCompare(b.module)) }));

describe("readPython", () => {
  it("reads the same facts from compiled code as from the syntax tree", async () => {
    const [fast, tree] = await Promise.all([read(CORPUS, false), read(CORPUS, true)]);
    expect(normalized(fast.facts)).toEqual(normalized(tree.facts));
    expect(fast.stdlib).toEqual(tree.stdlib);
    expect(fast.stdlib.has("json")).toBe(true);
  });

  it("reports each import once with its statement's line, and whether it runs when the file is parsed", async () => {
    const { facts } = await read(CORPUS, false);
    const by = (p: string) => facts.find((f) => f.path === p)!;
    expect(by("aliases.py").imports).toEqual([
      { module: "a.b", names: [], level: 0, line: 1, top: true },
      { module: "d", names: [], level: 0, line: 1, top: true },
      { module: "x.y", names: ["p", "q"], level: 0, line: 2, top: true },
      { module: "", names: ["sibling"], level: 1, line: 6, top: true },
      { module: "up", names: ["*"], level: 2, line: 7, top: true },
    ]);
    expect(by("nested.py").imports.map((i) => [i.module, i.top])).toEqual([
      ["in_class", true],
      ["in_method", false],
      ["in_inner_class", false],
      ["in_function", false],
      ["h", false],
    ]);
    // A finally: body is compiled twice; it is still one import.
    expect(by("finally.py").imports.map((i) => i.module).sort()).toEqual(["a", "b", "c", "d"]);
    // Code the compiler drops still names its imports, as the file says.
    expect(by("dead.py").imports.map((i) => i.module).sort()).toEqual(["dead_after_return", "dead_debug", "dead_if", "live"]);
    expect(by("word-in-text.py").imports.map((i) => i.module)).toEqual(["real"]);
    expect(by("type-checking.py").imports.map((i) => i.module)).toEqual(["typing", "typing"]);
    expect(by("dag-decorator.py").dagIds).toEqual([{ id: "nightly", line: 3 }]);
    expect(by("cr-lines.py").dagIds).toEqual([{ id: "cr", line: 3 }]);
    expect(by("dag-calls.py").dagIds.map((d) => d.id).sort()).toEqual(["decorator", "default", "in_class", "in_fstring", "multi", "n", "paren", "x", "y"]);
  });

  it("refuses what the compiler refuses, not only what the parser does", async () => {
    for (const viaTree of [false, true]) {
      const { facts } = await read({ "parse.py": "def f(:\n  pass\n", "compile.py": "x = 1\nreturn x\n", "nul.py": "x = 1\0\n" }, viaTree);
      expect(facts.map((f) => [f.path, f.error?.msg])).toEqual([
        ["parse.py", "invalid syntax"],
        ["compile.py", "'return' outside function"],
        ["nul.py", expect.stringMatching(/null byte/)],
      ]);
      expect(facts.slice(0, 2).map((f) => f.error?.line)).toEqual([1, 2]);
    }
  });
});
