import { googleLabels } from "../../../modules/gcp/tags";
import { gcpTestStack } from "./gcp-test-stack";

describe("googleLabels", () => {
  test("GIVEN lowercase tags THEN they pass unchanged", () => {
    expect(googleLabels({ "cost-center": "ml-dev", owner: "ml_platform" }, gcpTestStack())).toEqual({ "cost-center": "ml-dev", owner: "ml_platform" });
  });
  test.each([
    [{ owner: "ML-Platform" }, /owner="ML-Platform"/],
    [{ team: "ml platform" }, /team="ml platform"/],
    [{ Owner: "x" }, /Owner="x"/],
  ])("GIVEN %j THEN the error names each offending tag and the fix", (tags, message) => {
    expect(() => googleLabels(tags, gcpTestStack())).toThrow(message);
    expect(() => googleLabels(tags, gcpTestStack())).toThrow(/^\[test\] tags must be valid Google labels.*Change the environment's tags to lowercase values$/);
  });
});
