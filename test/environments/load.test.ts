import * as path from "path";
import { loadEnvironments, validateEnvironments } from "../../environments";
import devInput from "../../environments/dev";
import { ConfigError } from "../../modules/core/errors";

const ROOT = path.resolve(__dirname, "../..");

/** A deep copy of dev with one change applied. */
function devWith(change: (d: Record<string, any>) => void): Record<string, unknown> {
  const d = JSON.parse(JSON.stringify(devInput)) as Record<string, any>;
  change(d);
  return d;
}

function problemsOf(data: unknown, select?: string, name = "dev"): string[] {
  try {
    validateEnvironments([{ file: `environments/${name}.ts`, name, data }], select);
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  return [];
}

describe("environment loading", () => {
  test("GIVEN the project's environments WHEN loaded THEN dev, staging and prod come in promotion order", () => {
    const envs = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT });
    expect(envs.map((e) => e.config.name)).toEqual(["dev", "staging", "prod"]);
    expect(envs[0].file).toBe("environments/dev.ts");
  });

  test("GIVEN CDKTF_ENV=prod,dev WHEN loaded THEN only those two are kept", () => {
    const envs = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "prod,dev" });
    expect(envs.map((e) => e.config.name)).toEqual(["dev", "prod"]);
  });

  test("GIVEN an unknown environment name in CDKTF_ENV WHEN loaded THEN the error names it and the known ones", () => {
    expect(() => loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "qa" })).toThrow(
      'CDKTF_ENV: (root): expected one of dev, prod, staging, found "qa"',
    );
  });

  test("GIVEN defaults WHEN dev is validated THEN the library defaults are applied", () => {
    const [dev] = validateEnvironments([{ file: "environments/dev.ts", name: "dev", data: devInput }]);
    expect(dev.config.namePrefix).toBe("mlops");
    expect(dev.config.promotion.gateThreshold).toBe(0.01);
    expect(dev.config.clouds.aws?.network.flowLogs).toBe(true);
  });

  test.each([
    [
      "unknown cloud",
      (d: Record<string, any>) => (d.clouds.oracle = { region: "x" }),
      'environments/dev.ts: clouds.oracle: expected one of aws, azure, gcp, found "oracle"',
    ],
    [
      "malformed CIDR",
      (d: Record<string, any>) => (d.clouds.aws.network.cidr = "10.0.0.0/33"),
      'environments/dev.ts: clouds.aws.network.cidr: expected an IPv4 CIDR block with no host bits set, like 10.20.0.0/16, found "10.0.0.0/33"',
    ],
    [
      "CIDR with host bits",
      (d: Record<string, any>) => (d.clouds.aws.network.cidr = "10.0.1.0/16"),
      'environments/dev.ts: clouds.aws.network.cidr: expected an IPv4 CIDR block with no host bits set, like 10.20.0.0/16, found "10.0.1.0/16"',
    ],
    [
      "missing region",
      (d: Record<string, any>) => delete d.clouds.aws.region,
      "environments/dev.ts: clouds.aws.region: expected a string, found nothing",
    ],
    [
      "zone outside the region",
      (d: Record<string, any>) => (d.clouds.aws.network.zones = ["eu-central-1a", "us-east-1b"]),
      'environments/dev.ts: clouds.aws.network.zones.1: expected a zone of eu-central-1, like eu-central-1a, found "us-east-1b"',
    ],
    [
      "negative size",
      (d: Record<string, any>) => (d.services = { "model-api": { memoryMiB: -512 } }),
      "environments/dev.ts: services.model-api.memoryMiB: expected more than 0, found -512",
    ],
    [
      "retention CloudWatch cannot store",
      (d: Record<string, any>) => (d.logRetentionDays = 10),
      "environments/dev.ts: logRetentionDays: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days, found 10",
    ],
    [
      "unknown NAT mode",
      (d: Record<string, any>) => (d.clouds.aws.network.natMode = "none"),
      'environments/dev.ts: clouds.aws.network.natMode: expected one of "single", "per-zone", found "none"',
    ],
    [
      "misspelled field",
      (d: Record<string, any>) => (d.logRetention = 14),
      'environments/dev.ts: logRetention: expected no such field (it is not part of the schema), found "logRetention"',
    ],
    [
      "name that is not the file's",
      (d: Record<string, any>) => (d.name = "develop"),
      'environments/dev.ts: name: expected the file\'s name "dev", found "develop"',
    ],
  ])("GIVEN %s WHEN validated THEN one line names file, field, expectation and value", (_label, change, line) => {
    expect(problemsOf(devWith(change))).toEqual([line]);
  });

  test("GIVEN two clouds with overlapping networks WHEN validated THEN the second cloud's CIDR is reported", () => {
    const data = devWith((d) => {
      d.clouds.gcp = { projectId: "mlops-dev-1234", projectNumber: "1000001", region: "europe-west3", network: { cidr: "10.10.128.0/20" }, backend: { type: "local" } };
    });
    expect(problemsOf(data)).toEqual([
      'environments/dev.ts: clouds.gcp.network.cidr: expected a block that does not overlap clouds.aws.network.cidr (10.10.0.0/16), found "10.10.128.0/20"',
    ]);
  });

  test("GIVEN two environments on one cloud with the same network WHEN validated THEN the later file is reported", () => {
    const other = devWith((d) => {
      d.name = "qa";
    });
    expect(() =>
      validateEnvironments([
        { file: "environments/dev.ts", name: "dev", data: devInput },
        { file: "environments/qa.ts", name: "qa", data: other },
      ]),
    ).toThrow("environments/qa.ts: clouds.aws.network.cidr: expected a block that does not overlap dev's aws network (10.10.0.0/16 in environments/dev.ts)");
  });

  test("GIVEN several problems WHEN validated THEN every one is listed, not just the first", () => {
    const lines = problemsOf(
      devWith((d) => {
        d.alertEmail = "not-an-email";
        d.clouds.aws.accountId = "123";
        d.clouds.aws.network.zones = ["eu-central-1a"];
      }),
    );
    expect(lines).toHaveLength(3);
    expect(lines.join("\n")).toMatch(/alertEmail: expected an e-mail address for alerts, found "not-an-email"/);
    expect(lines.join("\n")).toMatch(/clouds\.aws\.accountId: expected a 12-digit AWS account id, found "123"/);
    expect(lines.join("\n")).toMatch(/clouds\.aws\.network\.zones: expected at least two availability zones/);
  });

  test("GIVEN pull-request promotion from an environment that does not exist WHEN validated THEN promotion.from is reported", () => {
    const lines = problemsOf(devWith((d) => (d.promotion = { mode: "pull-request", from: "qa" })));
    expect(lines).toEqual(['environments/dev.ts: promotion.from: expected another environment (none is defined), found "qa"']);
  });
});
