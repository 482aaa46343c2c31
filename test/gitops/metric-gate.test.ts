import { decideGate, GateInput, relative } from "../../gitops/metric-gate";
import { manifest } from "./helpers";

const cand = (auc: number, extra: Record<string, number> = {}) => manifest("model-api", "2.0.0", { auc, ...extra });
const dep = (auc: number) => manifest("model-api", "1.0.0", { auc });

describe("metric gate", () => {
  // GIVEN a candidate and what runs, WHEN the gate decides, THEN the outcome is as in the seeds (>1% relative).
  const cases: [string, Partial<GateInput> & Pick<GateInput, "candidate">, string, boolean][] = [
    ["first deployment passes", { candidate: cand(0.5) }, "first-deployment", true],
    ["improvement above threshold passes", { candidate: cand(0.85), deployed: dep(0.8) }, "pass", true],
    ["improvement exactly at threshold holds", { candidate: cand(0.808), deployed: dep(0.8) }, "hold", false],
    ["improvement just above threshold passes", { candidate: cand(0.8081), deployed: dep(0.8) }, "pass", true],
    ["small improvement holds", { candidate: cand(0.805), deployed: dep(0.8) }, "hold", false],
    ["equal holds", { candidate: cand(0.8), deployed: dep(0.8) }, "hold", false],
    ["regression holds", { candidate: cand(0.7), deployed: dep(0.8) }, "hold", false],
    ["lower-is-better: lower passes", { candidate: cand(0.7), deployed: dep(0.8), direction: "lower-is-better" }, "pass", true],
    ["lower-is-better: higher holds", { candidate: cand(0.85), deployed: dep(0.8), direction: "lower-is-better" }, "hold", false],
    ["zero threshold: any improvement passes", { candidate: cand(0.8001), deployed: dep(0.8), threshold: 0 }, "pass", true],
    ["zero baseline, better passes", { candidate: cand(0.1), deployed: dep(0) }, "pass", true],
    ["zero baseline, equal holds", { candidate: cand(0), deployed: dep(0) }, "hold", false],
    ["different primary metric holds", { candidate: manifest("model-api", "2", { f1: 0.9 }, "f1"), deployed: dep(0.8) }, "hold", false],
    ["different primary metric holds even when the candidate's looks better", { candidate: manifest("model-api", "2", { auc: 0.7, f1: 0.9 }, "f1"), deployed: manifest("model-api", "1", { auc: 0.8, f1: 0.5 }) }, "hold", false],
    ["different primary metric on a first deployment passes", { candidate: manifest("model-api", "2", { f1: 0.9 }, "f1") }, "first-deployment", true],
    ["direct mode reports but never holds", { candidate: cand(0.7), deployed: dep(0.8), enforced: false }, "not-enforced", true],
  ];
  it.each(cases)("%s", (_name, input, outcome, passes) => {
    const d = decideGate({ threshold: 0.01, direction: "higher-is-better", enforced: true, ...input });
    expect(d.outcome).toBe(outcome);
    expect(d.passes).toBe(passes);
  });

  it("THEN the reason shows both numbers and the threshold", () => {
    const d = decideGate({ candidate: cand(0.805), deployed: dep(0.8), threshold: 0.01, direction: "higher-is-better", enforced: true });
    expect(d.reason).toBe("hold: auc 0.805 vs 0.8 deployed (1.0.0): +0.63% does not beat the required more than 1% higher");
    expect(d.candidateValue).toBe(0.805);
    expect(d.deployedValue).toBe(0.8);
  });

  it("GIVEN candidate and deployed name different primary metrics THEN the reason names both and no number is compared", () => {
    const d = decideGate({
      candidate: manifest("model-api", "2.0.0", { auc: 0.7, f1: 0.9 }, "f1"),
      deployed: manifest("model-api", "1.0.0", { auc: 0.8, f1: 0.5 }, "auc"),
      threshold: 0.01,
      direction: "higher-is-better",
      enforced: true,
    });
    expect(d.reason).toBe(
      'hold: primary metrics differ: the candidate model-api 2.0.0 names f1, the deployed model-api 1.0.0 names auc; the gate only compares the same metric (give the candidate primaryMetric "auc", or retire the deployed model first)',
    );
    expect(d.deployedValue).toBeUndefined();
    expect(d.relativeImprovement).toBeUndefined();
  });

  it("THEN a not-enforced decision says what the gate would have done", () => {
    const d = decideGate({ candidate: cand(0.7), deployed: dep(0.8), threshold: 0.01, direction: "higher-is-better", enforced: false });
    expect(d.reason).toMatch(/^not enforced \(direct mode\); would hold: auc 0.7 vs 0.8/);
  });

  it.each([
    [0.9, 0.8, "higher-is-better", 0.125],
    [0.7, 0.8, "lower-is-better", 0.125],
    [-0.5, -1, "higher-is-better", 0.5],
  ] as const)("relative(%p, %p, %s) = %p", (c, d, dir, want) => {
    expect(relative(c, d, dir)).toBeCloseTo(want, 12);
  });
});
