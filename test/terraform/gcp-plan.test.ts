/**
 * The synthesized Google stacks through the real terraform CLI and google provider: init,
 * validate and plan with fake credentials. No google provider binary exists on these machines, so
 * this runs only with TF_ONLINE=1 and a network (the provider comes from the registry); otherwise
 * it is skipped with a notice. With TF_ONLINE=1, a missing terraform fails the run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { initValidatePlan, PlanResult, terraformAvailability } from "./harness";
import { sharedSynth } from "../support/shared-synth";

const online = process.env.TF_ONLINE === "1";
const STACKS = ["dev-gcp", "prod-gcp"];

/**
 * Fake credentials and a local backend: an access token the provider accepts without checking it
 * (it calls no API to configure), `default_labels` left as synthesized. The plan runs with
 * -refresh=false. The stack's one data source (the Cloud Storage service agent, read to provision it)
 * waits for google_project_service.apis_storage, which this plan creates, so its read is deferred
 * to apply and nothing calls Google.
 */
function googlePlanOverride(projectId: string, region: string, accessToken = "fake-token-for-offline-plan"): object {
  return {
    provider: { google: [{ project: projectId, region, access_token: accessToken }] },
    terraform: { backend: { local: { path: "terraform.tfstate" } } },
  };
}

const maybe = online ? describe : describe.skip;
if (!online) {
  // eslint-disable-next-line no-console
  console.warn("SKIPPED real-terraform Google checks: no google provider binary here; run with TF_ONLINE=1 and a network");
}

maybe("Google stacks through real terraform (TF_ONLINE=1)", () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-gcp-"));
  const plans: Record<string, PlanResult> = {};

  beforeAll(async () => {
    const availability = await terraformAvailability(["google"], work);
    if (!availability.ok) throw new Error(`TF_ONLINE=1 but ${availability.reason}`);
    const built = sharedSynth();
    const project: Record<string, string> = { "dev-gcp": "mlops-dev-1234", "prod-gcp": "mlops-prod-1234" };
    await Promise.all(
      STACKS.map(async (name) => {
        plans[name] = await initValidatePlan(path.join(built.outdir, "stacks", name), googlePlanOverride(project[name], "europe-west3"), availability.cliConfig!);
      }),
    );
  }, 600_000);

  const planned = (stack: string, type: string) => (plans[stack].plan.resource_changes ?? []).filter((r) => r.type === type);

  test.each(STACKS)("%s: validate accepts the configuration", (stack) => {
    expect(plans[stack].validateOutput).toContain("Success! The configuration is valid.");
  });

  test.each(STACKS)("%s: plan only creates, and creates the platform", (stack) => {
    const changes = plans[stack].plan.resource_changes ?? [];
    expect(changes.every((c) => c.change.actions.join() === "create")).toBe(true);
    for (const type of ["google_compute_network", "google_sql_database_instance", "google_cloud_run_v2_service", "google_storage_bucket", "google_eventarc_trigger"]) {
      expect(planned(stack, type).length).toBeGreaterThan(0);
    }
  });

  test("dev plans a zonal database, prod a regional one", () => {
    const tier = (stack: string) => (planned(stack, "google_sql_database_instance")[0].change.after!.settings as { availability_type: string }[])[0].availability_type;
    expect(tier("dev-gcp")).toBe("ZONAL");
    expect(tier("prod-gcp")).toBe("REGIONAL");
  });
});
