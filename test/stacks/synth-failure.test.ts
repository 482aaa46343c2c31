/** How synth reports each kind of failure: one line per problem, the right exit code. */
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ConfigError, ValidationError } from "../../modules/core/errors";
import { describeFailure, SYNTH_EXIT } from "../../stacks/synth-failure";

describe("describeFailure", () => {
  test("GIVEN configuration problems WHEN reported THEN one line each and a summary, exit 2", () => {
    const r = describeFailure(new ConfigError([{ file: "environments/dev.ts", field: "tags.owner", expected: "lowercase", found: '"ML Platform"' }]));
    expect(r).toEqual({
      lines: ['environments/dev.ts: tags.owner: expected lowercase, found "ML Platform"', "synth failed: 1 configuration problem; nothing written"],
      code: SYNTH_EXIT.badInput,
    });
  });

  test("GIVEN a ValidationError thrown by a construct WHEN reported THEN its construct path stands in for the field, one line, exit 2, no stack", () => {
    const stack = new TerraformStack(new App({ outdir: "unused", skipValidation: true }), "dev-gcp");
    const e = new ValidationError("workload identity pool id may not start with \"gcp-\"; got \"gcp-dev-github\"", new Construct(stack, "ci"));
    const r = describeFailure(e);
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'construct dev-gcp/ci: workload identity pool id may not start with "gcp-"; got "gcp-dev-github"',
      "synth failed: a construct refused its configuration; nothing written",
    ]);
  });

  test("GIVEN any other error WHEN reported THEN it is an internal error with its stack, exit 1", () => {
    const r = describeFailure(new TypeError("x is undefined"));
    expect(r.code).toBe(SYNTH_EXIT.internal);
    expect(r.lines[0]).toBe("synth failed with an internal error (a bug of the suite; nothing written): TypeError: x is undefined");
    expect(r.lines.slice(1).every((l) => /^\s+at /.test(l))).toBe(true);
  });
});
