/** modules/gcp/state-storage.ts: the state bucket's settings and its validation (attributes checked against google 6.50.0). */
import { Testing, TerraformStack } from "cdktf";
import { GoogleProvider } from "@cdktf/provider-google/lib/provider";
import { StateStorage } from "../../../modules/gcp/state-storage";
import { resources, synthStack } from "../../support/synth";

function stack() {
  const s = new TerraformStack(Testing.app(), "t");
  new GoogleProvider(s, "google", { project: "p-123456" });
  return s;
}

test("GIVEN soft delete and version days WHEN synthesized THEN the bucket restores deleted state that long and expires old versions after that many days", () => {
  const s = stack();
  new StateStorage(s, "state", { bucket: "p-tfstate", location: "europe-west3", softDeleteDays: 7, noncurrentVersionDays: 60, labels: { team: "ml" } });
  expect(resources(synthStack(s), "google_storage_bucket")[0]).toMatchObject({
    soft_delete_policy: { retention_duration_seconds: 7 * 86_400 },
    lifecycle_rule: [{ condition: { days_since_noncurrent_time: 60, with_state: "ARCHIVED" }, action: { type: "Delete" } }, expect.anything()],
    labels: { team: "ml" },
  });
});

test.each([
  [{ softDeleteDays: 6 }, /softDeleteDays must be 7 to 90; got 6/],
  [{ softDeleteDays: 91 }, /softDeleteDays must be 7 to 90; got 91/],
  [{ noncurrentVersionDays: 0 }, /noncurrentVersionDays must be a positive whole number; got 0/],
])("GIVEN %p WHEN constructed THEN it is refused with the value named", (extra, message) => {
  expect(() => new StateStorage(stack(), "state", { bucket: "p-tfstate", location: "europe-west3", ...extra })).toThrow(message);
});
