/** The promoter's pure decisions as tables: gate enforcement, the outcome of a run, the deployed-state check. */
import { checkDeployed } from "../../gitops/deployed-check";
import { ConflictError, GateHeldError, InputError } from "../../gitops/errors";
import { gateEnforcement } from "../../gitops/gate-enforcement";
import { decideOutcome, OutcomeFacts } from "../../gitops/outcome";

describe("gateEnforcement", () => {
  it.each([
    ["pull-request", "promote", { enforced: true }],
    ["direct", "promote", { enforced: false, notEnforcedBecause: "direct mode" }],
    ["pull-request", "rollback", { enforced: false, notEnforcedBecause: "rollback" }],
    ["pull-request", "retire", { enforced: false, notEnforcedBecause: "retire" }],
    ["direct", "retire", { enforced: false, notEnforcedBecause: "retire" }],
  ] as const)("%s %s", (mode, kind, want) => expect(gateEnforcement(mode, kind)).toEqual(want));
});

describe("decideOutcome", () => {
  const ok: OutcomeFacts = { hasChanges: true, dryRun: false, viaPullRequest: false, pushed: true, branchExists: false };
  const input = new InputError([{ file: "f", field: "x", expected: "y", found: "z" }]);
  it.each([
    ["direct, pushed", ok, "promoted", 0],
    ["direct, nothing pushed (someone else landed it)", { ...ok, pushed: false }, "nothing-to-do", 0],
    ["no changes", { ...ok, hasChanges: false }, "nothing-to-do", 0],
    ["dry run with changes", { ...ok, dryRun: true, pushed: false }, "dry-run", 0],
    ["dry run without changes", { ...ok, dryRun: true, hasChanges: false }, "nothing-to-do", 0],
    ["pull request pushed", { ...ok, viaPullRequest: true }, "proposed", 0],
    ["pull request branch already there", { ...ok, viaPullRequest: true, pushed: false, branchExists: true }, "proposed", 0],
    ["invalid input", { ...ok, error: input }, "invalid-input", 2],
    ["gate held", { ...ok, error: new GateHeldError("held") }, "gate-held", 3],
    ["conflict", { ...ok, error: new ConflictError("c") }, "failed", 1],
    ["any other error", { ...ok, error: new Error("boom") }, "failed", 1],
  ] as [string, OutcomeFacts, string, number][])("%s", (_n, facts, outcome, exitCode) => expect(decideOutcome(facts)).toEqual({ outcome, exitCode }));
});

describe("checkDeployed", () => {
  const broken = { file: "deployments/dev/models/churn.json", field: "", expected: "valid JSON", found: "nope" };
  const base = { env: "dev", planModels: [] as string[], deployed: new Set(["model-api"]), problems: [] as (typeof broken)[] };

  it("GIVEN a retire of a deployed model THEN no notes", () => {
    expect(checkDeployed({ ...base, retire: "model-api", planModels: ["model-api"] }).notes).toEqual([]);
  });
  it.each([
    ["a model not deployed", { ...base, retire: "churn" }, 'command line: --model: expected a model deployed in dev (model-api), found "churn"'],
    ["anything from an empty environment", { ...base, deployed: new Set<string>(), retire: "churn" }, 'command line: --model: expected a model deployed in dev (it runs none), found "churn"'],
  ])("GIVEN a retire of %s THEN an InputError naming what is deployed", (_n, facts, message) => {
    expect(() => checkDeployed(facts)).toThrow(message);
  });
  it("GIVEN a retire of a model whose manifest is broken THEN it is removed, saying so", () => {
    const v = checkDeployed({ ...base, retire: "churn", planModels: ["churn"], problems: [broken] });
    expect(v.notes).toEqual(["removes the invalid deployed manifest of churn: deployments/dev/models/churn.json: (root): expected valid JSON, found nope"]);
  });
  it("GIVEN a promotion of a model whose manifest is broken THEN it is replaced, saying so; others' problems only reported", () => {
    const other = { ...broken, file: "deployments/dev/models/other.json" };
    const v = checkDeployed({ ...base, planModels: ["churn"], problems: [broken, other] });
    expect([...v.replacesBroken.keys()]).toEqual(["churn"]);
    expect(v.notes).toEqual([expect.stringMatching(/^replaces the invalid deployed manifest of churn: /)]);
  });
  it("GIVEN a retire of an unknown model while another is broken THEN the broken one is listed as deployed", () => {
    expect(() => checkDeployed({ ...base, retire: "nope", problems: [broken] })).toThrow("expected a model deployed in dev (churn, model-api)");
  });
});
