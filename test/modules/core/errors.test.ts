/** The error vocabulary: one line per config problem, construct paths in validation errors, values shown as users can read them. */
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { ConfigError, describeValue, formatProblem, notOneOf, ValidationError, visible } from "../../../modules/core/errors";

describe("config problems", () => {
  test("GIVEN a problem WHEN formatted THEN one line names file, field, expected and found; an empty field reads (root)", () => {
    expect(formatProblem({ file: "environments/dev.ts", field: "clouds.aws.region", expected: "an AWS region", found: '"mars-1"' })).toBe('environments/dev.ts: clouds.aws.region: expected an AWS region, found "mars-1"');
    expect(formatProblem({ file: "x.ts", field: "", expected: "an object", found: "nothing" })).toBe("x.ts: (root): expected an object, found nothing");
  });

  test("GIVEN several problems WHEN raised THEN the error keeps all of them, one line each", () => {
    const problems = [{ file: "a.ts", field: "f", expected: "e", found: "1" }, { file: "b.ts", field: "g", expected: "e", found: "2" }];
    const e = new ConfigError(problems);
    expect(e.problems).toEqual(problems);
    expect(e.message.split("\n")).toEqual(["a.ts: f: expected e, found 1", "b.ts: g: expected e, found 2"]);
    expect(e.name).toBe("ConfigError");
  });
});

describe("ValidationError", () => {
  test("GIVEN a construct WHEN it refuses its props THEN the message starts with its construct path", () => {
    const scope = new Construct(new TerraformStack(Testing.app(), "dev-aws"), "storage");
    const e = new ValidationError("keepImages must be a positive integer; got 0", scope);
    expect(e.message).toBe("[dev-aws/storage] keepImages must be a positive integer; got 0");
    expect(e.name).toBe("ValidationError");
  });
});

describe("describeValue and notOneOf", () => {
  test.each<[string, unknown, string]>([
    ["nothing", undefined, "nothing"],
    ["a string", "eu", '"eu"'],
    ["a number", 3, "3"],
    ["a long array", Array(40).fill("ab"), `${JSON.stringify(Array(40).fill("ab")).slice(0, 77)}...`],
    ["a byte order mark", "\uFEFFdev", '"\\uFEFFdev" (with the invisible byte order mark U+FEFF)'],
  ])("GIVEN %s WHEN described THEN %p", (_c, value, shown) => {
    expect(describeValue(value)).toBe(shown);
  });

  // Not "null" (what JSON.stringify prints): the reader sees what the value really is, and why for Infinity.
  test("GIVEN NaN or Infinity WHEN described THEN named as such, Infinity with the 1e999 overflow that produces it", () => {
    expect(describeValue(Number.NaN)).toMatch(/^NaN\b/);
    expect(describeValue(Number.POSITIVE_INFINITY)).toMatch(/^Infinity \(.*such as 1e999, overflows to it\)$/);
  });

  test("GIVEN a zero-width space WHEN made visible THEN it is escaped and named, or only escaped without explain", () => {
    expect(visible("a\u200Bb")).toBe("a\\u200Bb (with the invisible character U+200B)");
    expect(visible("a\u200Bb", false)).toBe("a\\u200Bb");
    expect(visible("plain")).toBe("plain");
  });

  test("GIVEN a value outside a list WHEN reported THEN the field, the allowed values and the value given", () => {
    expect(notOneOf("tier", "huge", ["small", "medium", "large"])).toBe('tier must be one of small, medium, large; got "huge"');
  });
});
