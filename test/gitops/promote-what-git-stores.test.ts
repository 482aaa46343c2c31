/**
 * The promoter compares what git will actually store: line-ending conversion from the target's
 * .gitattributes and the user's core.autocrlf, paths git refuses, and DAG sets that hold no DAG at all.
 * Real bare remotes, real git, a real user config (HOME points at a temp folder with a .gitconfig).
 */
import * as fs from "fs";
import * as path from "path";
import { PromotionRequest } from "../../gitops/context";
import { runPromotion, RunOptions } from "../../gitops/promote";
import { createRemote, ENV_DIR, git, makeSource, PROJECT_ROOT, remoteFiles, remoteLog, remoteShow, tmp } from "./helpers";

function promote(request: Partial<PromotionRequest> & Pick<PromotionRequest, "repoUrl">, extra: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const full: PromotionRequest = { kind: "promote", env: "dev", base: "main", dryRun: false, ...request };
  return runPromotion({ request: full, environmentsDir: ENV_DIR, root: PROJECT_ROOT, log: (l) => lines.push(l), ...extra }).then((r) => ({ ...r, lines }));
}

const savedHome = process.env.HOME;
afterEach(() => {
  process.env.HOME = savedHome;
});

/** Points HOME at a folder whose .gitconfig sets core.autocrlf (or nothing). */
function userAutocrlf(value: string | undefined): void {
  const home = tmp("home");
  if (value !== undefined) fs.writeFileSync(path.join(home, ".gitconfig"), `[core]\n\tautocrlf = ${value}\n`);
  process.env.HOME = home;
}

const LF = "from airflow import DAG\n\ndag = DAG('etl')\n";
const CRLF = LF.replace(/\n/g, "\r\n");

describe("same input again = no commit, under every attribute and autocrlf setting", () => {
  const attributes = ["", "* text=auto\n", "*.py text\n", "*.py text eol=crlf\n", "*.py -text\n", "* text=auto eol=lf\n"];
  const cases: [string, string, string | undefined][] = [];
  for (const a of attributes) for (const content of ["LF", "CRLF"]) cases.push([a, content, undefined]);
  for (const autocrlf of ["input", "true"]) for (const content of ["LF", "CRLF"]) cases.push(["", content, autocrlf]);
  cases.push(["* text=auto\n", "CRLF", "input"]);

  it.each(cases)("GIVEN .gitattributes %j, a %s DAG, core.autocrlf=%s WHEN promoted twice THEN the second run commits nothing", async (attrs, content, autocrlf) => {
    userAutocrlf(autocrlf);
    const remote = createRemote(attrs ? { "README.md": "target\n", ".gitattributes": attrs } : { "README.md": "target\n" });
    const src = makeSource({ dags: { "etl.py": content === "LF" ? LF : CRLF, "lib/util.py": "X = 1\r\n" } });
    const first = await promote({ repoUrl: remote, sourceDir: src });
    expect({ exitCode: first.exitCode, outcome: first.outcome }).toEqual({ exitCode: 0, outcome: "promoted" });
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/etl.py", "dags/lib/util.py"]);
    const head = remoteLog(remote)[0];
    const second = await promote({ repoUrl: remote, sourceDir: src });
    expect({ exitCode: second.exitCode, outcome: second.outcome, changed: second.changed, added: second.added }).toEqual({ exitCode: 0, outcome: "nothing-to-do", changed: [], added: [] });
    expect(remoteLog(remote)[0]).toBe(head);
  });

  it("GIVEN * text=auto and a CRLF DAG already stored as LF WHEN promoted THEN it reports no change (git stores the same blob)", async () => {
    userAutocrlf(undefined);
    const remote = createRemote({ ".gitattributes": "* text=auto\n", "deployments/dev/dags/etl.py": LF });
    const head = remoteLog(remote)[0];
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "etl.py": CRLF } }) });
    expect({ exitCode: r.exitCode, outcome: r.outcome, changed: r.changed }).toEqual({ exitCode: 0, outcome: "nothing-to-do", changed: [] });
    expect(remoteLog(remote)[0]).toBe(head);
    expect(remoteShow(remote, "deployments/dev/dags/etl.py")).toBe(LF);
  });

  it("GIVEN --dry-run with * text=auto and a CRLF DAG already stored THEN the dry run also says nothing to do", async () => {
    userAutocrlf(undefined);
    const remote = createRemote({ ".gitattributes": "* text=auto\n", "deployments/dev/dags/etl.py": LF });
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { "etl.py": CRLF } }), dryRun: true });
    expect(r.outcome).toBe("nothing-to-do");
  });
});

describe("paths git refuses are invalid input", () => {
  it.each([".git", ".GIT", "sub/.git"])("GIVEN dags/ holding a %s folder THEN exit 2 names it and nothing is pushed", async (dotgit) => {
    userAutocrlf(undefined);
    const remote = createRemote();
    const refs = git(remote, "show-ref");
    const src = makeSource({ dags: { "etl.py": LF, [`${dotgit}/HEAD`]: "ref: refs/heads/main\n", [`${dotgit}/config`]: "[core]\n" } });
    const r = await promote({ repoUrl: remote, sourceDir: src });
    expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 2, outcome: "invalid-input" });
    expect(r.message).toContain(`${path.relative(PROJECT_ROOT, path.join(src, "dags", dotgit))}: (root): expected a DAG file or folder git can store (git refuses a path with a .git component), found a folder named ${JSON.stringify(path.basename(dotgit))}`);
    expect(git(remote, "show-ref")).toBe(refs);
  });
});

describe("a DAG set without a Python file is empty for the --allow-empty-dags guard", () => {
  it.each([
    ["only .gitkeep", { ".gitkeep": "" }, "no DAG file (it holds only .gitkeep)"],
    ["only a README and a .gitkeep", { ".gitkeep": "", "README.md": "# dags\n" }, "no DAG file (it holds only .gitkeep, README.md)"],
    ["only SQL and YAML in a subfolder", { "sql/q.sql": "select 1", "conf/a.yaml": "a: 1\n" }, "no DAG file (it holds only conf/a.yaml, sql/q.sql)"],
  ])("GIVEN a dags/ with %s THEN exit 2 and the environment's DAGs stay", async (_n, dags, found) => {
    userAutocrlf(undefined);
    const remote = createRemote({ "deployments/dev/dags/a.py": LF });
    const head = remoteLog(remote)[0];
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags }) });
    expect(r.exitCode).toBe(2);
    expect(r.message).toContain("pass --allow-empty-dags to do that on purpose");
    expect(r.message).toContain(`found ${found}`);
    expect(remoteLog(remote)[0]).toBe(head);
  });

  it("GIVEN only a .gitkeep and --allow-empty-dags THEN the DAGs go and the .gitkeep stays", async () => {
    userAutocrlf(undefined);
    const remote = createRemote({ "deployments/dev/dags/a.py": LF });
    const r = await promote({ repoUrl: remote, sourceDir: makeSource({ dags: { ".gitkeep": "" } }), allowEmptyDags: true });
    expect(r.exitCode).toBe(0);
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/.gitkeep"]);
  });
});
