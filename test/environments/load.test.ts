import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments, validateEnvironments } from "../../environments";
import devInput from "../../environments/dev";
import prodInput from "../../environments/prod";
import stagingInput from "../../environments/staging";
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

  test("GIVEN database.backupRetentionDays 0 WHEN validated THEN refused at load: RDS reads 0 as no backups, Azure and Google cannot turn them off", () => {
    const lines = problemsOf(devWith((d) => (d.database = { ...d.database, backupRetentionDays: 0 })));
    expect(lines).toEqual([expect.stringMatching(/^environments\/dev\.ts: database\.backupRetentionDays: expected .*, found 0$/)]);
  });

  test("GIVEN pull-request promotion from an environment that does not exist WHEN validated THEN promotion.from is reported", () => {
    const lines = problemsOf(devWith((d) => (d.promotion = { mode: "pull-request", from: "qa" })));
    expect(lines).toEqual(['environments/dev.ts: promotion.from: expected another environment (none is defined), found "qa"']);
  });
});

/** A deep copy of an environment input with one change applied. */
function copyWith(input: unknown, change: (d: Record<string, any>) => void = () => undefined): Record<string, any> {
  const d = JSON.parse(JSON.stringify(input)) as Record<string, any>;
  change(d);
  return d;
}

/** The problems of several environments validated together, one line each. */
function problemsOfAll(envs: Record<string, unknown>, select?: string): string[] {
  try {
    validateEnvironments(
      Object.entries(envs).map(([name, data]) => ({ file: `environments/${name}.ts`, name, data })),
      select,
    );
  } catch (e) {
    if (e instanceof ConfigError) return e.message.split("\n");
    throw e;
  }
  return [];
}

/** dev on the listed clouds only. */
function devOn(clouds: ("aws" | "azure" | "gcp")[], change: (d: Record<string, any>) => void = () => undefined) {
  return devWith((d) => {
    for (const c of ["aws", "azure", "gcp"]) if (!clouds.includes(c as "aws")) delete d.clouds[c];
    change(d);
  });
}

describe("values a cloud refuses, caught at config load for the clouds the environment deploys to", () => {
  test.each([
    [
      "a tag value with a space and capitals (Google labels refuse it)",
      devWith((d) => (d.tags.owner = "ML Platform")),
      'environments/dev.ts: tags.owner: expected a value Google labels accept (gcp is deployed): lowercase letters, digits, _ and -, at most 63, like "ml-platform", found "ML Platform"',
    ],
    [
      "a tag value AWS refuses",
      devOn(["aws"], (d) => (d.tags.owner = "ml#platform")),
      'environments/dev.ts: tags.owner: expected a value AWS tags accept (aws is deployed): letters, digits, spaces and _ . : / = + - @, found "ml#platform"',
    ],
    [
      'namePrefix "gcp" (the workload identity pool id may not start with "gcp-")',
      devWith((d) => (d.namePrefix = "gcp")),
      'environments/dev.ts: namePrefix: expected a prefix Google accepts in names (gcp is deployed): not "gcp", not starting with "goog", not containing "google", found "gcp"',
    ],
    [
      'namePrefix "googml" (bucket names may not start with "goog")',
      devWith((d) => (d.namePrefix = "googml")),
      'environments/dev.ts: namePrefix: expected a prefix Google accepts in names (gcp is deployed): not "gcp", not starting with "goog", not containing "google", found "googml"',
    ],
    [
      'namePrefix "sthree" on AWS (S3 bucket names may not start with "sthree-")',
      devOn(["aws"], (d) => (d.namePrefix = "sthree")),
      'environments/dev.ts: namePrefix: expected a prefix S3 accepts in bucket names (aws is deployed): not "sthree", found "sthree"',
    ],
    [
      'github.environment "prod *" on Google',
      devWith((d) => (d.github.environment = "prod *")),
      'environments/dev.ts: github.environment: expected a GitHub environment name of letters, digits, _ . / - (gcp is deployed: it is part of the token subject Google matches exactly), found "prod *"',
    ],
    [
      'github.environment "prod *" on Azure',
      devOn(["azure"], (d) => (d.github.environment = "prod *")),
      'environments/dev.ts: github.environment: expected a GitHub environment name with no wildcard, colon or space (azure is deployed: federated credential subjects match exactly), found "prod *"',
    ],
    [
      "high availability on the small database tier with Azure",
      devWith((d) => (d.resilience = "zonal")),
      'environments/dev.ts: resilience: expected "minimal" with database.tier "small" (azure is deployed: Burstable servers have no zone-redundant standby), or database.tier "medium" or "large", found "zonal"',
    ],
    [
      "clouds that are all undefined",
      devWith((d) => (d.clouds = { aws: undefined, azure: undefined, gcp: undefined })),
      "environments/dev.ts: clouds: expected at least one of aws, azure, gcp, found {}",
    ],
  ])("GIVEN %s WHEN validated THEN one line names file, field, expected and found", (_label, data, line) => {
    expect(problemsOf(data)).toEqual([line]);
  });

  test("GIVEN the same values WHEN only AWS is deployed THEN AWS accepts them (spaces in tags, a gcp prefix, a spaced GitHub environment)", () => {
    const data = devOn(["aws"], (d) => {
      d.tags.owner = "ML Platform";
      d.namePrefix = "gcp";
      d.github.environment = "prod *";
    });
    expect(problemsOf(data)).toEqual([]);
  });
});

describe("problems across files", () => {
  test("GIVEN staging from prod and prod from staging WHEN validated THEN the cycle is reported in both files", () => {
    const lines = problemsOfAll({
      dev: devInput,
      staging: copyWith(stagingInput, (d) => (d.promotion.from = "prod")),
      prod: prodInput,
    });
    expect(lines).toEqual([
      'environments/staging.ts: promotion.from: expected a chain that ends at the direct environment (dev), not a cycle, found "prod" (staging <- prod <- staging)',
      'environments/prod.ts: promotion.from: expected a chain that ends at the direct environment (dev), not a cycle, found "staging" (prod <- staging <- prod)',
    ]);
  });

  test("GIVEN two direct environments WHEN validated THEN the second is reported with the first named", () => {
    const lines = problemsOfAll({ dev: devInput, staging: copyWith(stagingInput, (d) => (d.promotion = { mode: "direct" })), prod: prodInput });
    expect(lines).toEqual([
      'environments/staging.ts: promotion.mode: expected "pull-request" with promotion.from (dev in environments/dev.ts is the one direct environment), found "direct"',
    ]);
  });

  test("GIVEN dev with a bad CIDR WHEN validated with staging (from dev) THEN only dev's problem is reported", () => {
    const lines = problemsOfAll({ dev: devWith((d) => (d.clouds.aws.network.cidr = "10.10.0.0/33")), staging: stagingInput, prod: prodInput });
    expect(lines).toEqual([
      'environments/dev.ts: clouds.aws.network.cidr: expected an IPv4 CIDR block with no host bits set, like 10.20.0.0/16, found "10.10.0.0/33"',
    ]);
  });

  test('GIVEN CDKTF_ENV="," WHEN loaded THEN no selection is an error naming the environments', () => {
    expect(problemsOfAll({ dev: devInput, staging: stagingInput, prod: prodInput }, ",")).toEqual([
      'CDKTF_ENV: (root): expected a comma list of environment names (dev, staging, prod), or unset for all, found ","',
    ]);
  });

  test("GIVEN an environment file with a syntax error WHEN loaded THEN one line names the file and the real reason, the other files still load", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "envs-"));
    fs.writeFileSync(path.join(dir, "dev.ts"), "const dev = { name: \"dev\",, };\nexport default dev;\n");
    fs.writeFileSync(path.join(dir, "qa.ts"), "export default { name: \"qa\" };\n");
    let lines: string[] = [];
    try {
      loadEnvironments({ dir, root: dir });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      lines = e.message.split("\n");
    }
    expect(lines[0]).toMatch(/^dev\.ts: \(file\): expected a TypeScript file that compiles and runs, found a syntax error/);
    expect(lines[0]).not.toContain("\n");
    expect(lines.slice(1).every((l) => l.startsWith("qa.ts: "))).toBe(true);
    expect(lines.length).toBeGreaterThan(1);
  });
});

describe("what the messages show", () => {
  test.each([
    ["NaN", devWith(() => undefined), (d: Record<string, any>) => (d.logRetentionDays = NaN), "environments/dev.ts: logRetentionDays: expected a finite number, found NaN"],
    ["1e999", devWith(() => undefined), (d: Record<string, any>) => (d.database = { storageGiB: 1e999 }), "environments/dev.ts: database.storageGiB: expected a finite number, found Infinity (a JSON number this large, such as 1e999, overflows to it)"],
    [
      "a CPU size that is not a Fargate size",
      devWith(() => undefined),
      (d: Record<string, any>) => (d.services = { "model-api": { cpuMillicores: 300 } }),
      "environments/dev.ts: services.model-api.cpuMillicores: expected one of 250, 500, 1000, 2000, 4000, found 300",
    ],
    [
      "an unknown backend type",
      devWith(() => undefined),
      (d: Record<string, any>) => (d.clouds.aws.backend = { type: "s4" }),
      'environments/dev.ts: clouds.aws.backend.type: expected one of "s3", "local", found "s4"',
    ],
    [
      "a name with an invisible byte order mark",
      devWith(() => undefined),
      (d: Record<string, any>) => (d.name = "\uFEFFdev"),
      'environments/dev.ts: name: expected a short lowercase name like dev, found "\\uFEFFdev" (with the invisible byte order mark U+FEFF)',
    ],
    [
      "a tag key with an invisible byte order mark",
      devWith(() => undefined),
      (d: Record<string, any>) => (d.tags = { "\uFEFFowner": "ml" }),
      'environments/dev.ts: tags.\\uFEFFowner: expected lowercase tag keys, found "\\uFEFFowner" (with the invisible byte order mark U+FEFF)',
    ],
  ])("GIVEN %s WHEN validated THEN the message says what was found and what is allowed", (_label, base, change, line) => {
    // JSON cannot carry NaN or Infinity: change the parsed copy directly.
    change(base);
    expect(problemsOf(base)).toEqual([line]);
  });
});
