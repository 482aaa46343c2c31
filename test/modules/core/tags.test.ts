/** The tags every resource carries: the environment's own plus the suite's, which the environment cannot override. */
import { CLOUD_NAMES } from "../../../modules/core/cloud-name";
import { platformTags, TagInput } from "../../../modules/core/tags";
import dev from "../../../environments/dev";

const env: TagInput = { name: "dev", namePrefix: "mlops", tags: dev.tags ?? {} };

describe("platformTags", () => {
  test.each(CLOUD_NAMES)("GIVEN the dev environment's tags WHEN tagged for %s THEN its own tags plus environment, managed-by, platform and cloud", (cloud) => {
    expect(Object.keys(env.tags).length).toBeGreaterThan(0);
    expect(platformTags(env, cloud)).toEqual({ ...env.tags, environment: "dev", "managed-by": "cdktf", platform: "mlops", cloud });
  });

  test("GIVEN an environment tag that names a suite key WHEN tagged THEN the suite's value wins (a config cannot disguise its environment or cloud)", () => {
    const spoofed = { ...env, tags: { environment: "prod", cloud: "azure", "managed-by": "hand", platform: "other", owner: "x" } };
    expect(platformTags(spoofed, "aws")).toEqual({ environment: "dev", cloud: "aws", "managed-by": "cdktf", platform: "mlops", owner: "x" });
  });

  test("GIVEN a call WHEN its result is changed THEN the environment's tags are untouched", () => {
    const before = { ...env.tags };
    platformTags(env, "gcp").owner = "changed";
    expect(env.tags).toEqual(before);
  });
});
