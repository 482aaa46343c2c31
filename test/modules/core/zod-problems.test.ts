/** Schema issues as the one-line problems users read: the field, what was expected, and the value actually found. */
import { z } from "zod";
import { formatProblem } from "../../../modules/core/errors";
import { zodProblems } from "../../../modules/core/zod-problems";

const schema = z.strictObject({
  name: z.string().regex(/^[a-z]+$/, "a lowercase name"),
  zones: z.array(z.string()).min(2),
  retentionDays: z.number().int().max(35),
  natMode: z.enum(["single", "per-zone"]),
  backend: z.discriminatedUnion("type", [z.strictObject({ type: z.literal("s3"), bucket: z.string() }), z.strictObject({ type: z.literal("local") })]),
  tags: z.record(z.string().regex(/^[a-z]+$/, "lowercase tag keys"), z.string()).optional(),
  clouds: z.strictObject({ aws: z.object({}).optional() }).optional(),
});
const GOOD = { name: "dev", zones: ["a", "b"], retentionDays: 30, natMode: "single", backend: { type: "local" } };

function lines(input: unknown): string[] {
  const r = schema.safeParse(input);
  if (r.success) return [];
  return zodProblems("environments/dev.ts", r.error, input).map(formatProblem);
}

describe("zodProblems", () => {
  test("GIVEN valid input THEN no problem", () => {
    expect(lines(GOOD)).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["a wrong type", { retentionDays: "30" }, 'environments/dev.ts: retentionDays: expected a number, found "30"'],
    ["a number too big", { retentionDays: 40 }, "environments/dev.ts: retentionDays: expected at most 35, found 40"],
    ["Infinity for a number", { retentionDays: Number.POSITIVE_INFINITY }, "environments/dev.ts: retentionDays: expected a finite number, found Infinity"],
    ["an array too short", { zones: ["a"] }, 'environments/dev.ts: zones: expected at least 2, found ["a"]'],
    ["a value outside an enum", { natMode: "none" }, 'environments/dev.ts: natMode: expected one of "single", "per-zone", found "none"'],
    ["a custom message", { name: "Dev" }, 'environments/dev.ts: name: expected a lowercase name, found "Dev"'],
    ["an unknown discriminator", { backend: { type: "gcs" } }, 'environments/dev.ts: backend.type: expected one of "s3", "local", found "gcs"'],
    ["an unknown field", { nmae: "x" }, 'environments/dev.ts: nmae: expected no such field (it is not part of the schema), found "nmae"'],
    ["an unknown cloud", { clouds: { oracle: {} } }, 'environments/dev.ts: clouds.oracle: expected one of aws, azure, gcp, found "oracle"'],
    ["a refused record key", { tags: { Owner: "x" } }, 'environments/dev.ts: tags.Owner: expected lowercase tag keys, found "Owner"'],
  ])("GIVEN %s WHEN reported THEN one line naming field, expected and found", (_c, over, line) => {
    // Prefix: describeValue may explain a value after it (Infinity's wording differs between branches).
    expect(lines({ ...GOOD, ...over }).filter((l) => l === line || l.startsWith(`${line} (`))).toHaveLength(1);
  });

  test("GIVEN several problems THEN one line each, none lost", () => {
    expect(lines({ ...GOOD, name: 1, natMode: "x", extra: true })).toHaveLength(3);
  });

  test("GIVEN a field path with an invisible character THEN the path shows it escaped", () => {
    expect(lines({ ...GOOD, "\u200Bname": "x" }).join("\n")).toContain("\\u200Bname");
  });
});
