/**
 * scripts/day0.ts: the day-0 runbook per (environment, cloud). The README's day-0 section must be exactly
 * what `--dry-run` prints, every stack output and secret a step names must exist in the synthesized
 * stacks, and bad input is refused with one line and exit 2.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "../../scripts/day0";
import { BOOTSTRAP_OVERRIDE_FILE } from "../../scripts/day0-steps";
import { sharedSynth } from "../support/shared-synth";
import { resources, ROOT } from "../support/stack-json";

const CLOUDS = ["aws", "azure", "gcp"] as const;
const FIXTURES = path.join("test", "fixtures", "environments-day0");

function readmeBlock(cloud: string): string | undefined {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const m = new RegExp(`<!-- day0 dev ${cloud} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\n<!-- /day0 -->`).exec(readme);
  return m?.[1];
}

describe("README day-0 section", () => {
  test.each(CLOUDS)("GIVEN the README WHEN compared with `npm run day0 -- --env dev --cloud %s --dry-run` THEN they are the same text", (cloud) => {
    const r = run(["--env", "dev", "--cloud", cloud, "--dry-run"], ROOT);
    expect(r.code).toBe(0);
    const block = readmeBlock(cloud);
    if (block === undefined) throw new Error(`README.md has no <!-- day0 dev ${cloud} --> block; paste the output of npx tsx scripts/day0.ts --env dev --cloud ${cloud} --dry-run`);
    expect(block).toBe(r.stdout);
  });
});

describe("the steps", () => {
  const steps = Object.fromEntries(CLOUDS.map((c) => [c, run(["--env", "dev", "--cloud", c, "--dry-run"], ROOT).stdout]));
  const titles = (text: string) => [...text.matchAll(/^# \d+\. (.*)$/gm)].map((m) => m[1]);

  test.each(CLOUDS)("GIVEN dev on %s WHEN printed THEN login, state storage, foundation, hand-over, images, secrets, database, full apply and the first CI deploy come in that order", (cloud) => {
    const t = titles(steps[cloud]);
    const at = (re: RegExp) => t.findIndex((x) => re.test(x));
    const order = [
      /^Log in/,
      /^Create the state storage/,
      /^Foundation apply/,
      /^Hand over to GitHub/,
      /^Push the images/,
      /^Set the secret values/,
      /^Database apply/,
      /^Create MLflow's database role/,
      /^Full apply/,
      /^First CI deploy/,
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test.each(CLOUDS)("GIVEN dev on %s WHEN printed THEN the state stack is applied with the local override, which is removed before the state migrates", (cloud) => {
    const lines = steps[cloud].split("\n");
    const idx = (pred: (l: string) => boolean) => lines.findIndex(pred);
    const dir = `cdktf.out/stacks/dev-${cloud}-state`;
    const write = idx((l) => l.includes(`> ${dir}/${BOOTSTRAP_OVERRIDE_FILE}`));
    const apply = idx((l) => l === `terraform -chdir=${dir} apply`);
    const remove = idx((l) => l === `rm ${dir}/${BOOTSTRAP_OVERRIDE_FILE}`);
    const migrate = idx((l) => l === `terraform -chdir=${dir} init -input=false -migrate-state -force-copy`);
    const deploy = idx((l) => l === `terraform -chdir=cdktf.out/stacks/dev-${cloud} apply \\`);
    expect(write).toBeGreaterThan(0);
    expect([write, apply, remove, migrate, deploy]).toEqual([...[write, apply, remove, migrate, deploy]].sort((a, b) => a - b));
  });

  describe("names the steps use exist in the synthesized stacks", () => {
    const built = sharedSynth();

    test.each(CLOUDS)("GIVEN dev on %s WHEN handing over to GitHub THEN every output a `gh variable set` reads is an output of the platform stack", (cloud) => {
      const outputs = Object.keys(built.json(`dev-${cloud}`).output ?? {});
      const read = [...steps[cloud].matchAll(/output -raw ([a-z0-9_]+)\)/g)].map((m) => m[1]);
      expect(read.length).toBeGreaterThan(0);
      expect(outputs).toEqual(expect.arrayContaining(read));
    });

    test("GIVEN dev on AWS WHEN setting secrets THEN each secret id is a Secrets Manager secret of dev-aws", () => {
      const names = resources(built.json("dev-aws"), "aws_secretsmanager_secret").map((r) => r.name);
      const set = [...steps.aws.matchAll(/put-secret-value --region \S+ --secret-id (\S+)/g)].map((m) => m[1]);
      const read = [...steps.aws.matchAll(/get-secret-value --region \S+ --secret-id (?!")(\S+)/g)].map((m) => m[1]);
      // Only MLflow's database login is left without a value by the stack (a workload's own secret: day0-execute.test.ts);
      // the migration reads the same secret back for the role's password.
      expect(set).toEqual(["mlops/dev/mlflow-db-login"]);
      expect(read).toEqual(["mlops/dev/mlflow-db-login"]);
      expect(names).toEqual(expect.arrayContaining(set));
    });

    test("GIVEN dev on Google Cloud WHEN setting secrets THEN each secret is a Secret Manager secret of dev-gcp", () => {
      const ids = resources(built.json("dev-gcp"), "google_secret_manager_secret").map((r) => r.secret_id);
      const set = [...steps.gcp.matchAll(/gcloud secrets versions add (\S+)/g)].map((m) => m[1]);
      expect(set).toEqual([]); // every secret gets a generated first version from Terraform
      expect(steps.gcp).toContain("Nothing to set: Terraform writes the value of every secret the services read.");
      expect(ids).toEqual(expect.arrayContaining(set));
    });

    test("GIVEN dev on Azure WHEN granting the deployer a data role THEN its scope is the state stack's account and container", () => {
      const state = built.json("dev-azure-state");
      const [account] = resources(state, "azurerm_storage_account");
      const [container] = resources(state, "azurerm_storage_container");
      expect(steps.azure).toContain(`/storageAccounts/${account.name}/blobServices/default/containers/${container.name}\n`);
    });
  });

  test("GIVEN prod with reviewers WHEN printed THEN its GitHub environment requires them and deploys only from main", () => {
    const r = run(["--env", "prod", "--cloud", "gcp", "--dry-run", "--reviewers", "alice"], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`"$(gh api users/alice --jq .id)" | gh api --method PUT repos/acme-ml/mlops-suite/environments/prod --input -`);
    expect(r.stdout).toContain("gh api --method POST repos/acme-ml/mlops-suite/environments/prod/deployment-branch-policies -f name=main -f type=branch");
  });
});

describe("bad input: one line, exit 2, nothing run", () => {
  test.each([
    [["--env", "nope", "--cloud", "aws", "--dry-run"], /^day0: --env: expected one of dev, staging, prod, found "nope"$/m],
    [["--env", "dev", "--cloud", "ibm", "--dry-run"], /^day0: --cloud: expected one of aws, azure, gcp, found "ibm"$/m],
    [["--cloud", "aws"], /^day0: --env is required$/m],
    [["--env", "dev"], /^day0: --cloud is required$/m],
    [["--env", "dev", "--cloud", "aws", "--bogus"], /^day0: unknown option "--bogus"$/m],
    [["--env", "dev", "--cloud", "aws", "--reviewers", "not a login"], /^day0: --reviewers: expected GitHub logins, found "not a login"$/m],
    [["--environments", FIXTURES, "--env", "solo", "--cloud", "gcp"], /^day0: test\/fixtures\/environments-day0\/solo\.ts: clouds\.gcp: expected a gcp section, found none \(this environment has aws\)$/m],
    [["--environments", FIXTURES, "--env", "sandbox", "--cloud", "aws"], /^day0: test\/fixtures\/environments-day0\/sandbox\.ts: clouds\.aws\.backend: expected a remote backend .*found \{ type: "local" \}$/m],
  ])("GIVEN %j WHEN run THEN exit 2 with the problem named", (argv, message) => {
    const r = run(argv, ROOT);
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(message);
  });
});
