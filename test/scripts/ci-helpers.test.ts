/** The helpers the workflows call: image targets, the manifest writer, changed stacks. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadEnvironments } from "../../environments";
import { modelManifestSchema } from "../../modules/core/model-manifest";
import { canonicalJson, changedStacks } from "../../scripts/changed-stacks";
import { imagePlan, run as listImages } from "../../scripts/list-images";
import { buildManifest, run as writeManifest } from "../../scripts/write-manifest";

const ROOT = path.resolve(__dirname, "../..");
const DIGEST = `sha256:${"ab".repeat(32)}`;
const COMMIT = "0123456789abcdef0123456789abcdef01234567";

function tmp(): string {
  return fs.mkdtempSync(path.join(process.env.MLOPS_TEST_TMPDIR ?? os.tmpdir(), "ci-helpers-"));
}

describe("scripts/list-images.ts", () => {
  const envs = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT });

  test("GIVEN a Dockerfile for model-api only THEN it is built for dev and copied to staging and prod with the stacks' registry names", () => {
    const plan = imagePlan(envs, ["receiver", "model-api"], (s) => s === "model-api");
    expect(plan.skipped).toEqual(["receiver"]);
    expect(plan.build).toHaveLength(1);
    expect(plan.build[0]).toMatchObject({
      service: "model-api",
      env: "dev",
      envVar: "DEV",
      dockerfile: "images/model-api/Dockerfile",
      ecrRepository: "111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops-dev/model-api",
      garRepository: "europe-west3-docker.pkg.dev/mlops-dev-1234/mlops-dev-images/model-api",
      sourceCloud: "aws",
      sourceRepository: "111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops-dev/model-api",
    });
    expect(plan.mirror.map((m) => m.env)).toEqual(["staging", "prod"]);
    expect(plan.mirror[0]).toMatchObject({ ecrRepository: expect.stringMatching(/^222222222222\.dkr\.ecr\..*\/mlops-staging\/model-api$/), sourceEnvVar: "DEV", sourceAwsRegion: "eu-central-1" });
  });

  test("GIVEN this repository WHEN run THEN every catalog service is built from its images/<service> folder, without a notice", () => {
    const r = listImages([], ROOT);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { build: { service: string; dockerfile: string; context: string }[] };
    expect(plan.build.map((t) => t.service)).toEqual(["receiver", "mlflow", "train", "model-api", "transform"]);
    for (const t of plan.build) expect(t).toMatchObject({ dockerfile: `images/${t.service}/Dockerfile`, context: `images/${t.service}` });
    expect(r.stderr).toBe("");
  });
});

describe("scripts/write-manifest.ts", () => {
  const metrics = { primaryMetric: "f1", metrics: { f1: 0.91, accuracy: 0.93 }, version: "2026-11-25.1" };
  const repository = "111111111111.dkr.ecr.eu-central-1.amazonaws.com/mlops-dev/model-api";

  test("GIVEN a digest and training metrics WHEN written THEN models/<name>.json is a valid canonical manifest", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "m.json"), JSON.stringify(metrics));
    const out = path.join(dir, "src");
    const r = writeManifest(["--name", "model-api", "--repository", repository, "--digest", DIGEST, "--commit", COMMIT, "--metrics", path.join(dir, "m.json"), "--out", out, "--created-at", "2026-11-25T10:00:00Z"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const text = fs.readFileSync(path.join(out, "models", "model-api.json"), "utf8");
    const m = modelManifestSchema.parse(JSON.parse(text));
    expect(m).toEqual({ name: "model-api", version: "2026-11-25.1", image: `${repository}@${DIGEST}`, metrics: { accuracy: 0.93, f1: 0.91 }, primaryMetric: "f1", sourceCommit: COMMIT, createdAt: "2026-11-25T10:00:00Z" });
    expect(Object.keys(JSON.parse(text).metrics)).toEqual(["accuracy", "f1"]);
  });

  test("GIVEN no version in the metrics THEN the version names the commit", () => {
    const { version: _v, ...rest } = metrics;
    expect(buildManifest({ name: "model-api", repository, digest: DIGEST, commit: COMMIT, metrics: rest }).version).toBe("sha-0123456789ab");
  });

  test.each([
    [{ metrics: { primaryMetric: "auc", metrics: { f1: 0.9 } } }, /primaryMetric: the name of one of the metrics \(f1\)/],
    [{ metrics: { metrics: { f1: 0.9 } } }, /metrics file: primaryMetric/],
    [{ digest: "sha256:short" }, /image: an image by digest/],
    [{ commit: "not-a-commit" }, /sourceCommit: a git commit hash/],
  ])("GIVEN bad input %j THEN the error says which field", (change, message) => {
    expect(() => buildManifest({ name: "model-api", repository, digest: DIGEST, commit: COMMIT, metrics, ...change })).toThrow(message);
  });

  test("GIVEN a missing option THEN it exits 2 naming it", () => {
    expect(writeManifest(["--name", "model-api"])).toMatchObject({ code: 2, stderr: expect.stringMatching(/missing --repository, --digest, --commit, --metrics, --out/) });
  });
});

describe("scripts/changed-stacks.ts", () => {
  function outdir(stacks: Record<string, unknown>): string {
    const dir = tmp();
    for (const [name, json] of Object.entries(stacks)) {
      fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
      fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), JSON.stringify(json));
    }
    return dir;
  }

  test("GIVEN base and head synth outputs THEN changed and new stacks are listed; key order and cdktf metadata are not changes", () => {
    const base = outdir({ "dev-aws": { "//": { v: "0.20" }, resource: { a: 1, b: 2 } }, "dev-gcp": { resource: { x: 1 } } });
    const head = outdir({ "dev-aws": { resource: { b: 2, a: 1 }, "//": { v: "0.21" } }, "dev-gcp": { resource: { x: 2 } }, "dev-azure": { resource: {} } });
    expect(changedStacks(base, head)).toEqual(["dev-azure", "dev-gcp"]);
  });

  test("GIVEN no base output (the base did not synthesize) THEN every head stack is changed", () => {
    const head = outdir({ "prod-aws": {}, "dev-aws": {} });
    expect(changedStacks(path.join(head, "missing"), head)).toEqual(["dev-aws", "prod-aws"]);
  });

  test("canonicalJson sorts keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 0 }], a: null })).toBe('{"a":null,"b":[2,{"c":0,"d":1}]}');
  });
});
