import { applyPlan, blobId, branchCandidates, branchName, checkRebase, DesiredState, desiredFile, EnvTree, planChanges, sameTree } from "../../gitops/plan-changes";
import { execFileSync } from "child_process";

const f = (s: string) => desiredFile(s);
const tree = (o: Record<string, string>): EnvTree => new Map(Object.entries(o).map(([p, c]) => [p, blobId(Buffer.from(c))]));
const want = (o: { dags?: Record<string, string>; models?: Record<string, string>; retire?: string[] }): DesiredState => ({
  dags: o.dags ? new Map(Object.entries(o.dags).map(([p, c]) => [p, f(c)])) : undefined,
  models: new Map(Object.entries(o.models ?? {}).map(([n, c]) => [n, f(c)])),
  retire: o.retire,
});

describe("planChanges", () => {
  const current = tree({ "dags/a.py": "a", "dags/old.py": "old", "models/m1.json": "m1", "models/m2.json": "m2" });
  const cases: [string, ReturnType<typeof want>, { added: string[]; changed: string[]; deleted: string[] }][] = [
    ["nothing asked, nothing changes", want({}), { added: [], changed: [], deleted: [] }],
    ["same DAGs and manifests: no change", want({ dags: { "a.py": "a", "old.py": "old" }, models: { m1: "m1" } }), { added: [], changed: [], deleted: [] }],
    ["dags/ is the complete set: removed DAGs are deleted", want({ dags: { "a.py": "a" } }), { added: [], changed: [], deleted: ["dags/old.py"] }],
    ["new and changed DAGs", want({ dags: { "a.py": "a2", "old.py": "old", "sub/new.py": "n" } }), { added: ["dags/sub/new.py"], changed: ["dags/a.py"], deleted: [] }],
    ["empty dags/ deletes every DAG", want({ dags: {} }), { added: [], changed: [], deleted: ["dags/a.py", "dags/old.py"] }],
    ["no dags/ leaves DAGs alone", want({ models: { m1: "m1-v2" } }), { added: [], changed: ["models/m1.json"], deleted: [] }],
    ["one manifest leaves the others in place", want({ models: { m3: "m3" } }), { added: ["models/m3.json"], changed: [], deleted: [] }],
    ["retire removes only that model", want({ retire: ["m2"] }), { added: [], changed: [], deleted: ["models/m2.json"] }],
    ["retire of a model not there is nothing", want({ retire: ["nope"] }), { added: [], changed: [], deleted: [] }],
  ];
  it.each(cases)("%s", (_n, desired, expected) => {
    const plan = planChanges(current, desired);
    expect({ added: plan.added, changed: plan.changed, deleted: plan.deleted }).toEqual(expected);
  });

  it("the change key depends on the change, not on unrelated files of the base", () => {
    const d = want({ models: { m3: "m3" } });
    const a = planChanges(current, d);
    const b = planChanges(new Map([...current, ["models/other.json", "x"]]), d);
    expect(a.key).toBe(b.key);
    expect(planChanges(current, want({ models: { m3: "m3-v2" } })).key).not.toBe(a.key);
  });

  it("blobId matches git hash-object", () => {
    const content = "from airflow import DAG\n";
    const git = execFileSync("git", ["hash-object", "--stdin"], { input: content, encoding: "utf8" }).trim();
    expect(blobId(Buffer.from(content))).toBe(git);
  });
});

describe("checkRebase", () => {
  const old = tree({ "dags/a.py": "a", "models/m1.json": "m1", "models/m2.json": "m2" });
  const cases: [string, Record<string, string>, ReturnType<typeof want>, string[]][] = [
    ["someone changed another model: re-apply", { "dags/a.py": "a", "models/m1.json": "m1", "models/m2.json": "m2-new" }, want({ models: { m1: "m1-v2" } }), []],
    ["someone added another model: re-apply", { "dags/a.py": "a", "models/m1.json": "m1", "models/m2.json": "m2", "models/m9.json": "9" }, want({ models: { m1: "m1-v2" } }), []],
    ["someone changed the same model differently: conflict", { "dags/a.py": "a", "models/m1.json": "m1-other", "models/m2.json": "m2" }, want({ models: { m1: "m1-v2" } }), ["models/m1.json"]],
    ["someone pushed the same change: fine", { "dags/a.py": "a", "models/m1.json": "m1-v2", "models/m2.json": "m2" }, want({ models: { m1: "m1-v2" } }), []],
    ["someone added a DAG while we replace dags/: conflict", { "dags/a.py": "a", "dags/b.py": "b", "models/m1.json": "m1", "models/m2.json": "m2" }, want({ dags: { "a.py": "a2" } }), ["dags/b.py"]],
    ["someone changed a DAG while we only promote a model: re-apply", { "dags/a.py": "a3", "models/m1.json": "m1", "models/m2.json": "m2" }, want({ models: { m1: "x" } }), []],
    ["someone retired the model we retire: fine", { "dags/a.py": "a", "models/m1.json": "m1" }, want({ retire: ["m2"] }), []],
  ];
  it.each(cases)("%s", (_n, now, desired, conflicts) => {
    const v = checkRebase(old, tree(now), desired);
    expect(v.ok ? [] : v.conflicts).toEqual(conflicts);
  });
});

describe("branchName", () => {
  const cur = tree({});
  it.each([
    ["one model", want({ models: { "model-api": "x" } }), /^promote\/staging\/model-api-[0-9a-f]{8}$/],
    ["dags only", want({ dags: { "a.py": "a" } }), /^promote\/staging\/dags-[0-9a-f]{8}$/],
    ["model and dags", want({ dags: { "a.py": "a" }, models: { m: "m" } }), /^promote\/staging\/bundle-[0-9a-f]{8}$/],
  ])("%s", (_n, d, re) => {
    expect(branchName("staging", planChanges(cur, d))).toMatch(re);
  });
});

describe("applyPlan and branchCandidates", () => {
  const current = tree({ "dags/a.py": "a", "dags/old.py": "old", "models/m1.json": "m1" });
  const plan = planChanges(current, want({ dags: { "a.py": "a2", "new.py": "n" }, models: { m2: "m2" } }));

  it("GIVEN a plan THEN applying it gives the tree the promotion's commit holds", () => {
    expect(sameTree(applyPlan(current, plan), tree({ "dags/a.py": "a2", "dags/new.py": "n", "models/m1.json": "m1", "models/m2.json": "m2" }))).toBe(true);
    expect(sameTree(applyPlan(current, plan), current)).toBe(false);
    expect(sameTree(tree({ x: "1" }), tree({ y: "1" }))).toBe(false);
  });

  it("GIVEN a stale branch of the change's name THEN the next candidate carries the base's short commit", () => {
    const base = "0123456789abcdef0123456789abcdef01234567";
    expect(branchCandidates("staging", plan, base)).toEqual([branchName("staging", plan), `${branchName("staging", plan)}-01234567`]);
  });
});
