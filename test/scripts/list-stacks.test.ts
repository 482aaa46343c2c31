import * as path from "path";
import { validateEnvironments } from "../../environments";
import devInput from "../../environments/dev";
import stagingInput from "../../environments/staging";
import { run, stackRows } from "../../scripts/list-stacks";

const ROOT = path.resolve(__dirname, "../..");

describe("scripts/list-stacks.ts", () => {
  test("GIVEN --env dev WHEN run THEN it prints the dev stacks as a JSON array", () => {
    const r = run(["--env", "dev"], ROOT);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(["dev-aws", "dev-azure", "dev-gcp"]);
  });

  test("GIVEN --env all WHEN run THEN every environment's stacks come in promotion order", () => {
    expect(JSON.parse(run(["--env", "all"], ROOT).stdout)).toEqual([
      "dev-aws", "dev-azure", "dev-gcp", "staging-aws", "staging-azure", "staging-gcp", "prod-aws", "prod-azure", "prod-gcp",
    ]);
  });

  test("GIVEN --matrix WHEN run for staging THEN rows carry the GitHub environment and the cloud's ids from config", () => {
    const rows = JSON.parse(run(["--env=staging", "--matrix"], ROOT).stdout);
    expect(rows.map((r: { stack: string }) => r.stack)).toEqual(["staging-aws", "staging-azure", "staging-gcp"]);
    expect(rows[0]).toMatchObject({ stack: "staging-aws", env: "staging", envVar: "STAGING", cloud: "aws", githubEnvironment: "staging", backend: "s3", awsAccountId: "222222222222", awsRegion: "eu-central-1", azureTenantId: "" });
    expect(rows[1]).toMatchObject({ cloud: "azure", backend: "azurerm", azureSubscriptionId: stagingInput.clouds.azure!.subscriptionId, awsRegion: "" });
    expect(rows[2]).toMatchObject({ cloud: "gcp", backend: "gcs", gcpProjectId: stagingInput.clouds.gcp!.projectId });
  });

  test("GIVEN --remote-state WHEN an environment keeps local state THEN its stacks are left out with a warning each", () => {
    const r = run(["--env", "dev", "--remote-state", "--environments", "test/fixtures/gitops/environments"], ROOT);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toContain("::warning title=dev-aws skipped::dev-aws keeps its state in a local file");
    expect(r.stderr).toContain("environments/dev.ts (clouds.aws.backend)");
  });

  test("GIVEN --remote-state WHEN the project's dev keeps remote state THEN every dev stack is deployable", () => {
    const r = run(["--env", "dev", "--remote-state"], ROOT);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(["dev-aws", "dev-azure", "dev-gcp"]);
    expect(r.stderr).toBe("");
  });

  test("GIVEN an environment with its own GitHub environment name and no Azure THEN rows follow it", () => {
    const data = JSON.parse(JSON.stringify(devInput));
    delete data.clouds.azure;
    data.github.environment = "development";
    const rows = stackRows(validateEnvironments([{ file: "environments/dev.ts", name: "dev", data }]));
    expect(rows.map((r) => [r.stack, r.githubEnvironment])).toEqual([["dev-aws", "development"], ["dev-gcp", "development"]]);
  });

  test.each([
    [["--env", "qa"], /expected one of dev, prod, staging, found "qa"/],
    [[], /--env <name>\[,<name>\.\.\.\] or --env all is required/],
    [["--env"], /--env needs a value/],
    [["--env", "dev", "--bogus"], /unknown option "--bogus"/],
  ])("GIVEN %j WHEN run THEN it exits 2 with a message", (argv, message) => {
    const r = run(argv as string[], ROOT);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
  });
});
