/**
 * The combined root (./combined-plan.ts) through the real terraform CLI, on stacks of terraform's
 * built-in `terraform_data` (no provider to install): each stack's plan comes back with its own
 * addresses, targets apply inside their stack only, and the root-module output check a stack had as a
 * root of its own still fails the plan. Skipped with the reason printed when terraform is missing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CombinedEntry, planCombined, readStackPlan } from "./combined-plan";
import { describeWithTerraform, terraformAvailabilitySync } from "./harness";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "tf-combined-"));
const availability = terraformAvailabilitySync([], work);

/** A stack folder with `cdk.tf.json` = `json`. */
function stack(name: string, json: object): string {
  const dir = path.join(work, "stacks", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(json));
  return dir;
}

/** Three `terraform_data` resources: `b` depends on `a`, `c` on nothing. */
const CHAIN = {
  resource: { terraform_data: { a: { input: "a" }, b: { input: "${terraform_data.a.output}" }, c: { input: "c" } } },
  output: { b: { value: "${terraform_data.b.output}" } },
};

describeWithTerraform(availability, "combined-plan checks")("one terraform root for several stacks", () => {
  const root = (name: string) => fs.mkdtempSync(path.join(work, `${name}-`));
  const plan = async (entries: CombinedEntry[]) => {
    const dir = root("root");
    await planCombined(dir, entries, availability.cliConfig!);
    return (name: string) => readStackPlan(dir, name);
  };

  test("GIVEN a whole stack and a targeted copy WHEN planned together THEN each plan has the stack's own addresses, the targeted one only the target and what it needs", async () => {
    const dir = stack("chain", CHAIN);
    const of = await plan([
      { name: "whole", dir, override: {} },
      { name: "targeted", dir, override: {}, targets: ["terraform_data.b"] },
    ]);
    const addresses = (name: string) => of(name).plan.resource_changes.map((c) => c.address).sort();
    expect(addresses("whole")).toEqual(["terraform_data.a", "terraform_data.b", "terraform_data.c"]);
    expect(addresses("targeted")).toEqual(["terraform_data.a", "terraform_data.b"]);
    expect(of("targeted").targets).toEqual(["terraform_data.b"]);
    expect(of("whole").plan.errored).toBe(false);
    expect(of("whole").plan.resource_changes.find((c) => c.address === "terraform_data.c")!.change.after).toMatchObject({ input: "c" });
    expect(of("whole").plan.resource_changes.every((c) => !("module_address" in c))).toBe(true);
  }, 120_000);

  test("GIVEN a stack whose override file changes a value WHEN planned combined THEN the override applies inside its module", async () => {
    const dir = stack("overridden", CHAIN);
    const of = await plan([{ name: "s", dir, override: { resource: { terraform_data: { c: { input: "from the override" } } } } }]);
    expect(of("s").plan.resource_changes.find((c) => c.address === "terraform_data.c")!.change.after).toMatchObject({ input: "from the override" });
  }, 120_000);

  test("GIVEN a stack output of a sensitive value not marked sensitive WHEN planned combined THEN the plan fails as it does in a root of its own", async () => {
    const leak = stack("leak", { output: { secret: { value: '${sensitive("x")}' } } });
    await expect(plan([{ name: "leak", dir: leak, override: {} }])).rejects.toThrow(/Output refers to sensitive values/);
    // The shared root plans whole stacks with -target=module.<name> (a targeted entry sits beside them): the check holds there too.
    const chain = stack("chain-for-targets", CHAIN);
    const leakFromResource = stack("leak-from-resource", { ...CHAIN, output: { secret: { value: "${sensitive(terraform_data.a.output)}" } } });
    await expect(plan([{ name: "leak", dir: leakFromResource, override: {} }, { name: "targeted", dir: chain, override: {}, targets: ["terraform_data.b"] }])).rejects.toThrow(
      /Output refers to sensitive values/,
    );
    const marked = stack("marked", { output: { secret: { value: '${sensitive("x")}', sensitive: true } } });
    const of = await plan([{ name: "marked", dir: marked, override: {} }]);
    expect(of("marked").plan.errored).toBe(false);
  }, 120_000);
});
