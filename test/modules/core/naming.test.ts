/** Resource names: `<prefix>-<env>-<parts>`, lowercase, and shortened with a stable hash where a cloud limits length. */
import { Naming, shortHash } from "../../../modules/core/naming";

describe("Naming", () => {
  const n = new Naming("mlops", "dev");

  test("GIVEN parts WHEN named THEN prefix, environment and parts joined by dashes, lowercased", () => {
    expect(n.name()).toBe("mlops-dev");
    expect(n.name("Model-API", "logs")).toBe("mlops-dev-model-api-logs");
  });

  test("GIVEN a name within the bound WHEN bounded THEN it is unchanged", () => {
    expect(n.bounded(32, "nlb")).toBe("mlops-dev-nlb");
  });

  test.each([[32], [24], [63]])("GIVEN a name longer than %p WHEN bounded THEN it fits, keeps its start, and ends in the full name's hash", (max) => {
    const parts = ["a-very-long-service-name-that-goes-on", "and-on-and-on-for-ever-and-ever"];
    const full = n.name(...parts);
    const short = n.bounded(max, ...parts);
    expect(short.length).toBeLessThanOrEqual(max);
    expect(short.endsWith(`-${shortHash(full)}`)).toBe(true);
    expect(full.startsWith(short.slice(0, short.length - 7).replace(/-+$/, ""))).toBe(true);
    expect(short).not.toMatch(/--/);
  });

  test("GIVEN two long names differing only at the end WHEN bounded THEN they stay distinct, and the same input gives the same name", () => {
    const a = n.bounded(32, "x".repeat(40), "one");
    const b = n.bounded(32, "x".repeat(40), "two");
    expect(a).not.toBe(b);
    expect(n.bounded(32, "x".repeat(40), "one")).toBe(a);
  });

  test("GIVEN any text WHEN hashed THEN six hex characters, stable across runs (it becomes part of Terraform addresses)", () => {
    expect(shortHash("mlops-dev")).toMatch(/^[0-9a-f]{6}$/);
    expect(shortHash("")).toBe("811c9d");
  });
});
