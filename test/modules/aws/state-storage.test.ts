/** modules/aws/state-storage.ts: the state bucket's settings and its validation. */
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { StateStorage } from "../../../modules/aws/state-storage";
import { resources, synthStack } from "../../support/synth";

function stack() {
  const s = new TerraformStack(Testing.app(), "t");
  new AwsProvider(s, "aws", { region: "eu-central-1" });
  return s;
}

test("GIVEN noncurrentVersionDays WHEN synthesized THEN overwritten state versions expire after that many days, after versioning is on", () => {
  const s = stack();
  new StateStorage(s, "state", { bucket: "b-tfstate", noncurrentVersionDays: 30 });
  const [lifecycle] = resources(synthStack(s), "aws_s3_bucket_lifecycle_configuration");
  expect(lifecycle).toMatchObject({ rule: [{ noncurrent_version_expiration: [{ noncurrent_days: 30 }], status: "Enabled" }], depends_on: [expect.stringContaining("aws_s3_bucket_versioning.")] });
});

test.each([0, -1, 1.5])("GIVEN noncurrentVersionDays %p WHEN constructed THEN it is refused with the value named", (days) => {
  expect(() => new StateStorage(stack(), "state", { bucket: "b-tfstate", noncurrentVersionDays: days })).toThrow(
    new RegExp(`\\[t/state\\] noncurrentVersionDays must be a positive whole number; got ${days}`),
  );
});
