/** movedFrom: a renamed construct's resources keep their state through moved blocks from their former addresses. */
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { movedFrom } from "../../../modules/core/moved-from";
import { synthStack } from "../../support/synth";

function bucketsUnder(id: string, rename?: string) {
  const stack = new TerraformStack(Testing.app(), "test");
  new AwsProvider(stack, "aws", { region: "eu-central-1" });
  const group = new Construct(stack, id);
  const inner = new Construct(group, "inner");
  new S3Bucket(inner, "bucket", { bucket: "b" });
  if (rename) movedFrom(group, rename);
  // Added after movedFrom (as stacks add grants later): it moves too.
  new S3Bucket(group, "late", { bucket: "l" });
  return synthStack(stack) as { resource: Record<string, Record<string, unknown>>; moved?: { from: string; to: string }[] };
}

describe("movedFrom", () => {
  test("GIVEN a construct renamed from old to new THEN each resource below it, also one added later, moves from the address it had under old", () => {
    const before = Object.keys(bucketsUnder("old").resource.aws_s3_bucket).map((n) => `aws_s3_bucket.${n}`).sort();
    const after = bucketsUnder("new", "old");
    const now = Object.keys(after.resource.aws_s3_bucket).map((n) => `aws_s3_bucket.${n}`).sort();
    expect(now.every((a) => !before.includes(a))).toBe(true);
    expect(before).toEqual([expect.stringMatching(/^aws_s3_bucket\.old_inner_bucket_[0-9A-F]{8}$/), expect.stringMatching(/^aws_s3_bucket\.old_late_[0-9A-F]{8}$/)]);
    const byFrom = Object.fromEntries((after.moved ?? []).map((m) => [m.from, m.to]));
    expect(byFrom).toEqual({
      [before[0]]: expect.stringMatching(/^aws_s3_bucket\.new_inner_bucket_[0-9A-F]{8}$/),
      [before[1]]: expect.stringMatching(/^aws_s3_bucket\.new_late_[0-9A-F]{8}$/),
    });
    expect(Object.values(byFrom).sort()).toEqual(now);
    expect(after.moved).toHaveLength(2);
  });

  test("GIVEN no rename THEN no moved block", () => {
    expect(bucketsUnder("old").moved).toBeUndefined();
  });
});
