/** gitops/dag-checks.ts: what Airflow would refuse in a DAG set, found before promotion, with file and line. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ignoredPaths } from "../../gitops/airflow-ignore";
import { checkDags } from "../../gitops/dag-checks";
import { importNamesOf, parseRequirements } from "../../gitops/dag-requirements";
import { formatProblem } from "../../modules/core/errors";
import { python3Executable } from "./python-executable";

const set = (files: Record<string, string>) => new Map(Object.entries(files));
const lines = (r: { problems: readonly { file: string }[] }) => r.problems.map((p) => formatProblem(p as never));
const DAG = (id: string, extra = "") => `from airflow import DAG\n${extra}\nwith DAG(dag_id="${id}", schedule=None):\n    pass\n`;

describe("checkDags", () => {
  it("accepts the repository's own dags/ (their requirements.txt, helpers, ignored tests)", async () => {
    // GIVEN the real DAG folder as the promoter reads it
    const root = path.join(__dirname, "../../dags");
    const files = new Map<string, Buffer>();
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.name === "__pycache__") continue;
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else files.set(path.relative(root, full).split(path.sep).join("/"), fs.readFileSync(full));
      }
    };
    walk(root);
    // THEN no problem and no warning (tests/ imports pytest, but .airflowignore keeps Airflow out of it)
    const r = await checkDags(files);
    expect(lines(r)).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(files.has("tests/test_dag_structure.py")).toBe(true);
  });

  it("Noncompliance 1: two files defining the same dag_id, both places named", async () => {
    const r = await checkDags(set({ "a.py": DAG("etl"), "sub/b.py": DAG("etl", "\n") }), { requirements: [] });
    expect(lines(r)).toEqual([`dags/sub/b.py: line 4: expected a dag_id no other DAG defines (Airflow loads only one of them), found dag_id "etl", already defined in dags/a.py line 3`]);
  });

  it("Noncompliance 1b: @dag functions and DAG(...) with a module constant compare alike", async () => {
    const r = await checkDags(
      set({
        "a.py": "from airflow.sdk import dag\n@dag(schedule=None)\ndef nightly():\n    pass\nnightly()\n",
        "b.py": "from airflow.models import DAG\nNAME = 'nightly'\ndag = DAG(NAME)\n",
        "c.py": "from airflow.sdk import dag\n@dag(dag_id='other')\ndef nightly():\n    pass\n",
      }),
      { requirements: [] },
    );
    expect(lines(r)).toEqual([expect.stringMatching(/^dags\/b\.py: line 3: .*dag_id "nightly", already defined in dags\/a\.py line 3$/)]);
  });

  it("Compliance: distinct dag_ids, and a dag_id that is not a literal is not guessed", async () => {
    const r = await checkDags(set({ "a.py": DAG("one"), "b.py": DAG("two"), "c.py": "from airflow import DAG\nDAG(f'x{1}')\nDAG(f'x{1}')\n" }), { requirements: [] });
    expect(r.problems).toEqual([]);
  });

  it("Noncompliance 2: an import neither in the set, the requirements, the standard library nor airflow", async () => {
    const r = await checkDags(
      set({
        "a.py": "import json, os.path\nimport airflow.providers.amazon.aws.hooks.s3\nimport helpers\nfrom pkg.mod import f\n\ndef task():\n    import boto3\n",
        "helpers.py": "from . import nothing\n",
        "pkg/mod.py": "def f(): pass\n",
        "requirements.txt": "# comment\nrequests>=2\n",
      }),
    );
    expect(lines(r)).toEqual([
      `dags/a.py: line 7: expected a module of the DAG set, of dags/requirements.txt, of the standard library, or airflow, found import of "boto3"`,
      `dags/helpers.py: line 1: expected a relative import that stays inside the DAG folder's packages, found from . import nothing`,
    ]);
  });

  it("Noncompliance 2b: a helper of the set is checked too when a DAG imports it, even one .airflowignore hides", async () => {
    const r = await checkDags(
      set({
        ".airflowignore": "lib/\n",
        "a.py": DAG("a", "def t():\n    from lib import util"),
        "lib/__init__.py": "",
        "lib/util.py": "import yaml\nfrom google.cloud import storage, bigquery\n",
        "lib/unused.py": "import not_checked_nobody_imports_me\n",
      }),
      { requirements: ["google-cloud-storage==2.*"] },
    );
    expect(lines(r)).toEqual([
      `dags/lib/util.py: line 1: expected a module of the DAG set, of the declared requirements, of the standard library, or airflow, found import of "yaml"`,
      `dags/lib/util.py: line 2: expected a module of the DAG set, of the declared requirements, of the standard library, or airflow, found import of "google.cloud.bigquery"`,
    ]);
  });

  it("Compliance: requirement names map to their import names", async () => {
    const r = await checkDags(
      set({ "a.py": "import sklearn\nimport yaml\nfrom azure.storage.blob import BlobServiceClient\nimport dateutil.parser\nimport typing_extensions\n" }),
      { requirements: ["scikit-learn", "PyYAML==6.0", "azure-storage-blob[aio]>=12 ; python_version>'3.8'", "python_dateutil", "typing-extensions"] },
    );
    expect(r.problems).toEqual([]);
  });

  it("Noncompliance 3 (warning): a heavy library imported at the top, not inside a task", async () => {
    const r = await checkDags(
      set({ "a.py": "import pandas as pd\ntry:\n    from sklearn import tree\nexcept ImportError:\n    pass\ndef task():\n    import torch\n" }),
      { requirements: ["pandas", "scikit-learn", "torch"] },
    );
    expect(r.problems).toEqual([]);
    expect(r.warnings.map(formatProblem)).toEqual([
      `dags/a.py: line 1: expected heavy libraries imported inside the task that uses them (Airflow parses every DAG file every 30 s by default), found top-level import of "pandas"`,
      `dags/a.py: line 3: expected heavy libraries imported inside the task that uses them (Airflow parses every DAG file every 30 s by default), found top-level import of "sklearn"`,
    ]);
  });

  it("imports under `if TYPE_CHECKING:` never run and are not checked", async () => {
    const r = await checkDags(set({ "a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pandas\n" }), { requirements: [] });
    expect(r).toEqual({ problems: [], warnings: [] });
  });

  it("one file defining a dag_id twice is named at the second definition", async () => {
    const r = await checkDags(set({ "a.py": "from airflow import DAG\nDAG('x')\nDAG('y')\nDAG('x')\n" }), { requirements: [] });
    expect(lines(r)).toEqual([expect.stringMatching(/^dags\/a\.py: line 4: .*dag_id "x", already defined in dags\/a\.py line 2$/)]);
  });

  it("a helper with a syntax error is left to the compiler check, not reported as an unknown import", async () => {
    const r = await checkDags(set({ "a.py": "import broken\n", "broken.py": "def (:\n" }), { requirements: [] });
    expect(r).toEqual({ problems: [], warnings: [] });
  });

  it("a bad requirement line is invalid input with its line", async () => {
    const r = await checkDags(set({ "a.py": "", "requirements.txt": "requests\nnot a requirement!\n" }));
    expect(lines(r)).toEqual([`dags/requirements.txt: line 2: expected a requirement like \`name\`, \`name>=1.2\` or \`name[extra]==1.2\`, found "not a requirement!"`]);
  });

  it("reads a 2,000-file set in one python process", async () => {
    // GIVEN an interpreter wrapper that counts its starts
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dag-checks-"));
    const count = path.join(dir, "starts");
    const wrapper = path.join(dir, "python");
    fs.writeFileSync(wrapper, `#!/bin/sh\necho x >> "${count}"\nexec "${python3Executable()}" "$@"\n`, { mode: 0o755 });
    const files = new Map<string, string>();
    for (let i = 0; i < 2000; i++) files.set(`team${i % 20}/dag_${i}.py`, DAG(`dag_${i}`, "import json\ndef t():\n    import requests\n".repeat(10)));
    files.set("team19/dag_1999.py", DAG("dag_1999", "import nope_module"));
    try {
      const t0 = Date.now();
      const r = await checkDags(files, { requirements: ["requests"], python: wrapper });
      process.stdout.write(`dag-checks: 2,000 DAG files in ${Date.now() - t0} ms\n`);
      // THEN every file was read, by one interpreter
      expect(r.problems.map((p) => p.file)).toEqual(["dags/team19/dag_1999.py"]);
      expect(fs.readFileSync(count, "utf8").trim().split("\n")).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ignoredPaths", () => {
  const read = (files: Record<string, string>) => (p: string) => files[p] ?? "";
  it.each([
    ["glob", "tests/\n", ["tests/test_a.py", "sub/tests/x.py"], ["a.py", "tests.py"]],
    ["glob", "/lib\n*_draft.py\n!keep_draft.py\n", ["lib/x.py", "a_draft.py", "sub/b_draft.py"], ["keep_draft.py", "sub/lib/x.py"]],
    ["regexp", "tests/\n_draft\\.py$\n", ["tests/test_a.py", "a_draft.py"], ["a.py"]],
  ] as const)("%s %j", (syntax, ignore, hidden, kept) => {
    const paths = [".airflowignore", ...hidden, ...kept];
    const out = ignoredPaths(paths, read({ ".airflowignore": ignore }), syntax);
    expect([...out].sort()).toEqual([...hidden].sort());
  });

  it("a nested .airflowignore applies to its folder only", () => {
    const out = ignoredPaths(["sub/.airflowignore", "sub/x.py", "x.py"], read({ "sub/.airflowignore": "x.py\n" }), "glob");
    expect([...out]).toEqual(["sub/x.py"]);
  });
});

describe("requirements", () => {
  it("parses names, skips comments and pip options", () => {
    expect(parseRequirements(["-r base.txt", "Foo_Bar.baz==1 # pinned", "", "x @ https://example.com/x.whl"], "f").names).toEqual(["foo-bar-baz", "x"]);
  });
  it("maps providers and namespace packages to the modules they install", () => {
    expect(importNamesOf("apache-airflow-providers-microsoft-azure")).toEqual(["airflow.providers.microsoft.azure"]);
    expect(importNamesOf("azure-identity")).toContain("azure.identity");
    expect(importNamesOf("scikit-learn")).toEqual(["sklearn"]);
  });
});
