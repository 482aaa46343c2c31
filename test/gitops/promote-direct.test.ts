/** Direct promotions (dev) against real bare repositories: sync, idempotency, dry run, bad input, conflicts. */
import * as fs from "fs";
import * as path from "path";
import { PromotionRequest } from "../../gitops/context";
import { serializeManifest } from "../../modules/core/model-manifest";
import { runPromotion, RunOptions } from "../../gitops/promote";
import { commitToRemote, createRemote, deployedManifest, ENV_DIR, git, makeSource, manifest, PROJECT_ROOT, remoteFiles, remoteLog, remoteShow, tmp } from "./helpers";

function promote(request: Partial<PromotionRequest> & Pick<PromotionRequest, "repoUrl">, extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const full: PromotionRequest = { kind: "promote", env: "dev", base: "main", dryRun: false, ...request };
  return runPromotion({ request: full, environmentsDir: ENV_DIR, root: PROJECT_ROOT, log: (l) => lines.push(l), ...extra }).then((r) => ({ ...r, lines }));
}

const DAG = "from airflow import DAG\n";

describe("direct promotion into dev", () => {
  it("GIVEN a source with DAGs and a manifest WHEN promoted THEN one commit writes deployments/dev/", async () => {
    const remote = createRemote();
    const before = remoteLog(remote).length;
    const src = makeSource({ dags: { "etl.py": DAG, "lib/helpers.py": "X = 1\n", "sql/q.sql": "select 1" }, models: [manifest("model-api", "1.0.0")] });
    const r = await promote({ repoUrl: remote, sourceDir: src });
    expect(r.exitCode).toBe(0);
    expect(r.outcome).toBe("promoted");
    expect(remoteLog(remote)).toHaveLength(before + 1);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/etl.py", "dags/lib/helpers.py", "dags/sql/q.sql", "models/model-api.json"]);
    expect(deployedManifest(remote, "dev", "model-api")?.version).toBe("1.0.0");
    const message = git(remote, "log", "-1", "--format=%B", "main");
    expect(message).toMatch(/^promote\(dev\): model-api 1.0.0, dags/);
    expect(git(remote, "log", "-1", "--format=%(trailers:key=Metric-Gate,valueonly)", "main")).toMatch(/model-api not-enforced auc candidate=0.8 deployed=none/);
    expect(git(remote, "log", "-1", "--format=%an <%ae>", "main").trim()).toBe("mlops-promoter <promoter@localhost>");
    expect(r.lines.map((l) => l.split(":")[0])).toEqual(expect.arrayContaining(["validate", "fetch", "diff", "commit", "push", "pull request"]));
  });

  it("GIVEN DAGs removed from the source WHEN promoted THEN they disappear from the environment", async () => {
    const remote = createRemote();
    await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": DAG, "b.py": DAG, "c/d.py": DAG } }) });
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": DAG } }) });
    expect(r.exitCode).toBe(0);
    expect(r.deleted).toEqual(["dags/b.py", "dags/c/d.py"]);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/a.py"]);
  });

  it("GIVEN a source without dags/ WHEN promoted THEN the DAGs stay and other models stay", async () => {
    const remote = createRemote();
    await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": DAG }, models: [manifest("churn", "1"), manifest("model-api", "1")] }) });
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "2")] }) });
    expect(r.changed).toEqual(["models/model-api.json"]);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/a.py", "models/churn.json", "models/model-api.json"]);
    expect(deployedManifest(remote, "dev", "churn")?.version).toBe("1");
    expect(deployedManifest(remote, "dev", "model-api")?.version).toBe("2");
  });

  it("GIVEN the same input twice WHEN promoted THEN the second run makes no commit", async () => {
    const remote = createRemote();
    const src = makeSource({ dags: { "a.py": DAG }, models: [manifest("model-api", "1")] });
    await promote({ repoUrl: remote, sourceDir: src });
    const head = remoteLog(remote)[0];
    const r = await promote({ repoUrl: remote, sourceDir: src });
    expect(r.exitCode).toBe(0);
    expect(r.outcome).toBe("nothing-to-do");
    expect(remoteLog(remote)[0]).toBe(head);
  });

  it("GIVEN --dry-run WHEN promoted THEN it prints the plan and touches nothing", async () => {
    const remote = createRemote();
    const refs = git(remote, "show-ref");
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": DAG }, models: [manifest("model-api", "1")] }), dryRun: true });
    expect(r.exitCode).toBe(0);
    expect(r.outcome).toBe("dry-run");
    expect(r.added).toEqual(["dags/a.py", "models/model-api.json"]);
    expect(r.lines.join("\n")).toMatch(/\+ deployments\/dev\/dags\/a.py/);
    expect(r.lines.join("\n")).toMatch(/gate: model-api: not enforced/);
    expect(git(remote, "show-ref")).toBe(refs);
  });

  describe("invalid input is rejected with exit 2 and nothing pushed", () => {
    const bad: [string, Parameters<typeof makeSource>[0], RegExp][] = [
      ["a manifest with an image by tag", { models: [{ ...manifest("model-api", "1"), image: "registry.example.com/model-api:latest" }] }, /models\/model-api.json: image: expected an image by digest/],
      ["a manifest that is not JSON", { models: [{ name: "model-api", raw: "{ nope" }] }, /models\/model-api.json: \(root\): expected valid JSON/],
      ["a manifest whose primary metric is not among its metrics", { models: [{ ...manifest("model-api", "1"), primaryMetric: "f1" }] }, /primaryMetric: expected the name of one of the metrics \(auc\)/],
      ["a manifest named differently from its file", { models: [{ name: "model-api", raw: JSON.stringify(manifest("other", "1")) }] }, /models\/model-api.json: name: expected "model-api" \(the file's name\), found "other"/],
      ["a DAG with a syntax error", { dags: { "ok.py": DAG, "broken.py": "def f(:\n  pass\n" } }, /dags\/broken.py: line 1: expected Python that `python3 -m py_compile` accepts, found "invalid syntax"/],
      ["an empty source", {}, /expected a folder with dags\/ and\/or models\//],
    ];
    it.each(bad)("%s", async (_n, source, message) => {
      const remote = createRemote();
      const refs = git(remote, "show-ref");
      const r = await promote({ repoUrl: remote, sourceDir: makeSource(source) });
      expect(r.exitCode).toBe(2);
      expect(r.outcome).toBe("invalid-input");
      expect(r.message).toMatch(message);
      expect(git(remote, "show-ref")).toBe(refs);
    });
  });

  describe("a source that is not laid out as folders and files is rejected with exit 2, naming the path", () => {
    /** A valid DAG folder and a valid manifest somewhere else, for links to point at. */
    const elsewhere = () => makeSource({ dags: { "etl.py": DAG }, models: [manifest("model-api", "1")] });
    const shapes: [string, (src: string) => void, RegExp][] = [
      ["dags/ is a symbolic link to a folder", (src) => fs.symlinkSync(path.join(elsewhere(), "dags"), path.join(src, "dags")), /\/dags: \(root\): expected a folder with the environment's DAG files, found a symbolic link/],
      ["models/ is a symbolic link to a folder", (src) => fs.symlinkSync(path.join(elsewhere(), "models"), path.join(src, "models")), /\/models: \(root\): expected a folder of <name>.json model manifests, found a symbolic link/],
      [
        "a manifest is a symbolic link to a file",
        (src) => {
          fs.mkdirSync(path.join(src, "models"));
          fs.symlinkSync(path.join(elsewhere(), "models", "model-api.json"), path.join(src, "models", "model-api.json"));
        },
        /\/models\/model-api.json: \(root\): expected a model manifest file, found a symbolic link/,
      ],
      ["dags is a file", (src) => fs.writeFileSync(path.join(src, "dags"), DAG), /\/dags: \(root\): expected a folder with the environment's DAG files, found a file$/],
      ["models is a file", (src) => fs.writeFileSync(path.join(src, "models"), "{}"), /\/models: \(root\): expected a folder of <name>.json model manifests, found a file$/],
      ["models/y.json is a folder", (src) => fs.mkdirSync(path.join(src, "models", "y.json"), { recursive: true }), /\/models\/y.json: \(root\): expected a model manifest file, found a folder$/],
    ];
    // Rejected before the clone: one remote serves every case, and must stay as it is.
    let remote: string;
    let refs: string;
    beforeAll(() => {
      remote = createRemote();
      refs = git(remote, "show-ref");
    });
    it.each(shapes)("%s", async (_n, shape, message) => {
      const src = tmp("source");
      shape(src);
      const r = await promote({ repoUrl: remote, sourceDir: src });
      expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 2, outcome: "invalid-input" });
      expect(r.message).toMatch(message);
      expect(r.message).toContain(path.relative(PROJECT_ROOT, src));
      expect(git(remote, "show-ref")).toBe(refs);
    });
  });

  describe("a dags/ without DAG files", () => {
    const empties: [string, (dags: string) => void, string][] = [
      ["an empty dags/", () => undefined, "found an empty folder"],
      [
        "a dags/ with only build output",
        (dags) => {
          fs.mkdirSync(path.join(dags, "__pycache__"));
          fs.writeFileSync(path.join(dags, "__pycache__", "etl.cpython-312.pyc"), "");
          fs.writeFileSync(path.join(dags, "old.pyc"), "");
          fs.writeFileSync(path.join(dags, ".DS_Store"), "");
        },
        "found no DAG file (it holds only .DS_Store, __pycache__, old.pyc)",
      ],
    ];
    it.each(empties)("GIVEN %s THEN exit 2 names the folder and the flag, and the environment's DAGs stay", async (_n, fill, found) => {
      const remote = createRemote({ "deployments/dev/dags/a.py": DAG });
      const head = remoteLog(remote)[0];
      const src = makeSource({ dags: {} });
      fill(path.join(src, "dags"));
      const r = await promote({ repoUrl: remote, sourceDir: src });
      expect(r.exitCode).toBe(2);
      expect(r.message).toBe(
        `${path.relative(PROJECT_ROOT, path.join(src, "dags"))}: (root): expected at least one DAG file: dags/ is the environment's complete DAG set, so an empty one deletes every DAG there ` +
          `(pass --allow-empty-dags to do that on purpose; leave dags/ out to keep the DAGs as they are), ${found}`,
      );
      expect(remoteLog(remote)[0]).toBe(head);
      expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/a.py"]);
    });

    it("GIVEN --allow-empty-dags THEN every DAG of the environment is deleted", async () => {
      const remote = createRemote({ "deployments/dev/dags/a.py": DAG, "deployments/dev/models/model-api.json": serializeManifest(manifest("model-api", "1")) });
      const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: {} }), allowEmptyDags: true });
      expect(r.exitCode).toBe(0);
      expect(r.deleted).toEqual(["dags/a.py"]);
      expect(remoteFiles(remote, "deployments/dev")).toEqual(["models/model-api.json"]);
    });
  });

  it("GIVEN the target's .gitignore matches some DAG files WHEN promoted THEN they are committed all the same", async () => {
    const remote = createRemote({ "README.md": "target\n", ".gitignore": "*.sql\nbuild/\n" });
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "etl.py": DAG, "sql/q.sql": "select 1", "build/gen.py": "X = 1\n" } }) });
    expect(r.exitCode).toBe(0);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/build/gen.py", "dags/etl.py", "dags/sql/q.sql"]);
    const gone = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "etl.py": DAG } }) });
    expect(gone.deleted).toEqual(["dags/build/gen.py", "dags/sql/q.sql"]);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/etl.py"]);
  });

  it("GIVEN DAGs are syntax-checked THEN no __pycache__ is written into the source", async () => {
    const src = makeSource({ dags: { "a.py": DAG } });
    const remote = createRemote();
    await promote({ repoUrl: remote, sourceDir: src });
    expect(require("fs").existsSync(`${src}/dags/__pycache__`)).toBe(false);
  });

  it("GIVEN an unknown environment THEN exit 2 names the choices", async () => {
    const r = await promote({ repoUrl: createRemote(), sourceDir: makeSource({ dags: { "a.py": DAG } }), env: "qa" });
    expect(r.exitCode).toBe(2);
    expect(r.message).toBe('command line: --env: expected one of dev, staging, prod, found "qa"');
  });

  it("GIVEN the remote moved on another file WHEN pushing THEN it re-applies on the new head, linear, no merge", async () => {
    const remote = createRemote();
    let moved = false;
    const r = await promote(
      { repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "1")] }) },
      {
        log: (l) => {
          // Between our commit and our push, someone else lands a change to another model.
          if (l.startsWith("commit: succeeded") && !moved) {
            moved = true;
            commitToRemote(remote, { "deployments/dev/models/churn.json": JSON.stringify(manifest("churn", "1")) }, [], "someone else");
          }
        },
      },
    );
    expect(r.exitCode).toBe(0);
    expect(r.pushAttempts).toBe(2);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["models/churn.json", "models/model-api.json"]);
    expect(git(remote, "log", "--merges", "--format=%H", "main")).toBe("");
    expect(git(remote, "log", "-1", "--format=%s", "main").trim()).toBe("promote(dev): model-api 1");
  });

  it("GIVEN someone changed the same manifest meanwhile WHEN pushing THEN it stops on the conflict, nothing pushed", async () => {
    const remote = createRemote();
    let theirs = "";
    const r = await promote(
      { repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "2")] }) },
      {
        log: (l) => {
          if (l.startsWith("commit: succeeded") && !theirs) {
            theirs = commitToRemote(remote, { "deployments/dev/models/model-api.json": JSON.stringify(manifest("model-api", "3")) }, [], "someone else");
          }
        },
      },
    );
    expect(r.exitCode).toBe(1);
    expect(r.message).toMatch(/^conflict: main moved and someone else changed deployments\/dev\/models\/model-api.json since [0-9a-f]{12}; nothing pushed/);
    expect(remoteLog(remote)[0]).toBe(theirs);
    expect(JSON.parse(remoteShow(remote, "deployments/dev/models/model-api.json")!).version).toBe("3");
  });

  it("GIVEN a model WHEN retired THEN only its manifest leaves", async () => {
    const remote = createRemote();
    await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": DAG }, models: [manifest("churn", "1"), manifest("model-api", "1")] }) });
    const r = await promote({ repoUrl: remote, kind: "retire", retire: { model: "churn", reason: "replaced by model-api v2" } });
    expect(r.exitCode).toBe(0);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/a.py", "models/model-api.json"]);
    expect(git(remote, "log", "-1", "--format=%(trailers:key=Promotion-Reason,valueonly)", "main").trim()).toBe("replaced by model-api v2");
    // Retiring it again names what is deployed instead of "nothing to do" (issue 13, item 6).
    const again = await promote({ repoUrl: remote, kind: "retire", retire: { model: "churn", reason: "replaced by model-api v2" } });
    expect({ exitCode: again.exitCode, message: again.message }).toEqual({ exitCode: 2, message: 'command line: --model: expected a model deployed in dev (model-api), found "churn"' });
  });
});

describe("a broken deployed manifest is not a dead end (issue 13, item 7)", () => {
  it("GIVEN an invalid deployed manifest WHEN a valid one is promoted THEN it replaces it and the commit says so", async () => {
    const remote = createRemote({ "deployments/dev/models/model-api.json": "{ half a manifest" });
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ models: [manifest("model-api", "2")] }) });
    expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 0, outcome: "promoted" });
    expect(deployedManifest(remote, "dev", "model-api")?.version).toBe("2");
    expect(r.lines.join("\n")).toMatch(/diff: replaces the invalid deployed manifest of model-api: deployments\/dev\/models\/model-api.json: \(root\): expected valid JSON/);
    expect(git(remote, "log", "-1", "--format=%B", "main")).toMatch(/^Note: replaces the invalid deployed manifest of model-api: /m);
  });

  it("GIVEN an invalid deployed manifest WHEN that model is retired THEN it is removed, saying so", async () => {
    const remote = createRemote({ "deployments/dev/models/churn.json": JSON.stringify({ name: "churn" }) });
    const r = await promote({ repoUrl: remote, kind: "retire", retire: { model: "churn", reason: "broken and replaced by model-api" } });
    expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 0, outcome: "promoted" });
    expect(remoteFiles(remote, "deployments/dev")).toEqual([]);
    expect(r.lines.join("\n")).toMatch(/diff: removes the invalid deployed manifest of churn/);
  });

  it("GIVEN a retire of a model that is not deployed THEN exit 2 names the deployed models, nothing pushed (item 6)", async () => {
    const remote = createRemote({ "deployments/dev/models/model-api.json": serializeManifest(manifest("model-api", "1")) });
    const head = remoteLog(remote)[0];
    const r = await promote({ repoUrl: remote, kind: "retire", retire: { model: "churn", reason: "replaced by model-api v2" } });
    expect({ exitCode: r.exitCode, message: r.message }).toEqual({ exitCode: 2, message: 'command line: --model: expected a model deployed in dev (model-api), found "churn"' });
    expect(remoteLog(remote)[0]).toBe(head);
  });
});

describe("a push the server refuses (issue 13, item 12)", () => {
  it("GIVEN a pre-receive hook that declines THEN exit 1 at once with the server's lines, not 'keeps moving'", async () => {
    const remote = createRemote();
    const hook = path.join(remote, "hooks", "pre-receive");
    fs.writeFileSync(hook, "#!/bin/sh\necho 'protected branch: main needs a review'\nexit 1\n");
    fs.chmodSync(hook, 0o755);
    const head = remoteLog(remote)[0];
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "a.py": DAG } }) });
    expect({ exitCode: r.exitCode, outcome: r.outcome, pushAttempts: r.pushAttempts }).toEqual({ exitCode: 1, outcome: "failed", pushAttempts: 1 });
    expect(r.message).toContain("remote: protected branch: main needs a review");
    expect(r.message).not.toContain("keeps moving");
    expect(remoteLog(remote)[0]).toBe(head);
  });
});
