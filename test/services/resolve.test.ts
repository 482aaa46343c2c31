import * as path from "path";
import { loadEnvironments } from "../../environments";
import { ModelManifest } from "../../modules/core/model-manifest";
import { SERVICE_CATALOG } from "../../services/catalog";
import { resolveServices } from "../../services/resolve";

const ROOT = path.resolve(__dirname, "../..");
const [dev, prod] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev,prod" });
const digest = `sha256:${"ab".repeat(32)}`;
const manifest: ModelManifest = {
  name: "model-api",
  version: "1.4.0",
  image: `registry.example.com/mlops/model-api@${digest}`,
  metrics: { auc: 0.91 },
  primaryMetric: "auc",
  sourceCommit: "abc1234",
  createdAt: "2026-11-25T10:00:00Z",
};

function resolve(env = dev.config, manifests: Record<string, ModelManifest> = {}) {
  return resolveServices(env, SERVICE_CATALOG, manifests, "environments/dev.ts");
}

describe("resolveServices", () => {
  test("GIVEN no overrides WHEN resolved THEN the catalog's services run with the environment's defaults", () => {
    const { services, problems } = resolve();
    expect(problems).toEqual([]);
    expect(services.map((s) => s.name)).toEqual(["receiver", "mlflow", "train", "model-api", "transform"]);
    const api = services.find((s) => s.name === "model-api")!;
    expect(api.scaling).toEqual({ min: 1, max: 2, targetCpuPercent: 60 });
    expect(api.image).toEqual({ kind: "tag", tag: "0.1.0", pinned: false });
  });

  test("GIVEN prod's serviceDefaults WHEN resolved THEN every service runs at least two tasks, jobs keep their own bounds", () => {
    const { services } = resolve(prod.config);
    for (const s of services.filter((x) => x.kind === "service")) expect(s.scaling.min).toBeGreaterThanOrEqual(2);
    expect(services.find((s) => s.name === "transform")!.scaling).toMatchObject({ min: 0, max: 1 });
  });

  test("GIVEN a per-service override WHEN resolved THEN it wins over the environment default and the catalog", () => {
    const env = { ...dev.config, services: { "model-api": { minCount: 3, maxCount: 5, cpuMillicores: 2000 as const, memoryMiB: 4096 } } };
    const api = resolve(env).services.find((s) => s.name === "model-api")!;
    expect(api.scaling).toMatchObject({ min: 3, max: 5 });
    expect(api).toMatchObject({ cpuMillicores: 2000, memoryMiB: 4096 });
  });

  test("GIVEN an environment pins a tag WHEN no manifest exists THEN that tag runs; a manifest still wins", () => {
    const env = { ...dev.config, services: { receiver: { imageTag: "sha-3f2c1ab" }, "model-api": { imageTag: "sha-3f2c1ab" } } };
    const services = resolve(env, { "model-api": manifest }).services;
    expect(services.find((s) => s.name === "receiver")!.image).toEqual({ kind: "tag", tag: "sha-3f2c1ab", pinned: true });
    expect(services.find((s) => s.name === "model-api")!.image).toMatchObject({ kind: "digest", digest });
  });

  test("GIVEN a service switched off WHEN resolved THEN it is not deployed", () => {
    const env = { ...dev.config, services: { mlflow: { enabled: false } } };
    expect(resolve(env).services.map((s) => s.name)).not.toContain("mlflow");
  });

  test("GIVEN a promoted manifest WHEN resolved THEN the service runs that digest", () => {
    const api = resolve(dev.config, { "model-api": manifest }).services.find((s) => s.name === "model-api")!;
    expect(api.image).toEqual({ kind: "digest", digest, version: "1.4.0", source: "abc1234" });
  });

  test.each([
    [{ nope: { minCount: 1 } }, 'environments/dev.ts: services.nope: expected a service of the catalog (receiver, mlflow, train, model-api, transform), found "nope"'],
    [{ "model-api": { minCount: 4, maxCount: 2 } }, "environments/dev.ts: services.model-api.minCount: expected at most maxCount (2), found 4"],
    [
      { receiver: { memoryMiB: 8192 } },
      "environments/dev.ts: services.receiver.memoryMiB: expected a size Fargate runs (aws is deployed): 512, 1024 or 2048 MiB for 250 millicores, found cpuMillicores: 250, memoryMiB: 8192",
    ],
  ])("GIVEN the override %j WHEN resolved THEN the problem is named", (services, line) => {
    const { problems } = resolve({ ...dev.config, services });
    expect(lines(problems)).toEqual([line]);
  });
});

function lines(problems: readonly { file: string; field: string; expected: string; found: string }[]): string[] {
  return problems.map((p) => `${p.file}: ${p.field}: expected ${p.expected}, found ${p.found}`);
}

/** dev deploying to the listed clouds only. */
function devOn(...clouds: ("aws" | "azure" | "gcp")[]) {
  return { ...dev.config, clouds: Object.fromEntries(clouds.map((c) => [c, dev.config.clouds[c]])) };
}

describe("runtime sizes and bounds (checked for the clouds an environment deploys to)", () => {
  test("GIVEN 250 millicores with 1536 MiB WHEN aws is deployed THEN Fargate's allowed memory sizes are named", () => {
    const { problems } = resolve({ ...dev.config, services: { "model-api": { cpuMillicores: 250, memoryMiB: 1536 } } });
    expect(lines(problems)).toEqual([
      "environments/dev.ts: services.model-api.memoryMiB: expected a size Fargate runs (aws is deployed): 512, 1024 or 2048 MiB for 250 millicores, found cpuMillicores: 250, memoryMiB: 1536",
    ]);
  });

  test("GIVEN 250 millicores with 1536 MiB WHEN only gcp and azure are deployed THEN it is accepted (Cloud Run and Container Apps run it)", () => {
    const { problems } = resolve({ ...devOn("gcp", "azure"), services: { "model-api": { cpuMillicores: 250, memoryMiB: 1536 } } });
    expect(problems).toEqual([]);
  });

  test("GIVEN 2000 millicores with 4608 MiB WHEN aws is deployed THEN Fargate's 1024 MiB steps are named", () => {
    const { problems } = resolve({ ...devOn("aws"), services: { "model-api": { cpuMillicores: 2000, memoryMiB: 4608 } } });
    expect(lines(problems)).toEqual([
      "environments/dev.ts: services.model-api.memoryMiB: expected a size Fargate runs (aws is deployed): 4096 to 16384 MiB in steps of 1024 for 2000 millicores, found cpuMillicores: 2000, memoryMiB: 4608",
    ]);
  });

  test("GIVEN 4000 millicores with 30720 MiB WHEN all clouds are deployed THEN only Container Apps refuses it (Fargate and Cloud Run run it)", () => {
    const { problems } = resolve({ ...dev.config, services: { "model-api": { cpuMillicores: 4000, memoryMiB: 30720 } } });
    expect(lines(problems)).toEqual([
      "environments/dev.ts: services.model-api.memoryMiB: expected a size Container Apps consumption runs (azure is deployed): at most 4000 millicores and 8192 MiB (pairs 0.25 vCPU/512 MiB to 4 vCPU/8192 MiB at 1:2), found cpuMillicores: 4000, memoryMiB: 30720",
    ]);
  });

  test("GIVEN 4000 millicores with 1024 MiB WHEN only gcp is deployed THEN Cloud Run's memory minimum for 4 vCPU is named", () => {
    const { problems } = resolve({ ...devOn("gcp"), services: { "model-api": { cpuMillicores: 4000, memoryMiB: 1024 } } });
    expect(lines(problems)).toEqual([
      "environments/dev.ts: services.model-api.memoryMiB: expected a size Cloud Run runs (gcp is deployed): 2048 to 32768 MiB for 4000 millicores (4 vCPU), found cpuMillicores: 4000, memoryMiB: 1024",
    ]);
  });

  test("GIVEN 40960 MiB WHEN only gcp is deployed THEN Cloud Run's 32 GiB maximum is named", () => {
    const { problems } = resolve({ ...devOn("gcp"), services: { "model-api": { cpuMillicores: 4000, memoryMiB: 40960 } } });
    expect(lines(problems)).toEqual([
      "environments/dev.ts: services.model-api.memoryMiB: expected a size Cloud Run runs (gcp is deployed): at most 32768 MiB, found cpuMillicores: 4000, memoryMiB: 40960",
    ]);
  });

  test("GIVEN serviceDefaults.maxCount 500 WHEN azure is deployed THEN serviceDefaults.maxCount is named once with Container Apps' 300", () => {
    const { problems } = resolve({ ...dev.config, serviceDefaults: { minCount: 1, maxCount: 500 } });
    expect(lines(problems)).toEqual(["environments/dev.ts: serviceDefaults.maxCount: expected at most 300 instances (azure is deployed), found 500"]);
  });

  test("GIVEN a per-service maxCount 301 WHEN azure is deployed THEN that service's field is named", () => {
    const { problems } = resolve({ ...devOn("azure"), services: { mlflow: { maxCount: 301 } } });
    expect(lines(problems)).toEqual(["environments/dev.ts: services.mlflow.maxCount: expected at most 300 instances (azure is deployed), found 301"]);
  });

  test("GIVEN serviceDefaults.maxCount 500 WHEN only aws and gcp are deployed THEN it is accepted (only their quotas bound it)", () => {
    expect(resolve({ ...devOn("aws", "gcp"), serviceDefaults: { minCount: 1, maxCount: 500 } }).problems).toEqual([]);
  });
});
