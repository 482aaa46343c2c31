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
    expect(services.map((s) => s.name)).toEqual(["receiver", "mlflow", "model-api", "transform"]);
    const api = services.find((s) => s.name === "model-api")!;
    expect(api.scaling).toEqual({ min: 1, max: 2, targetCpuPercent: 60 });
    expect(api.image).toEqual({ kind: "tag", tag: "latest-release", pinned: false });
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
    [{ nope: { minCount: 1 } }, 'environments/dev.ts: services.nope: expected a service of the catalog (receiver, mlflow, model-api, transform), found "nope"'],
    [{ "model-api": { minCount: 4, maxCount: 2 } }, "environments/dev.ts: services.model-api.minCount: expected at most maxCount (2), found 4"],
    [{ receiver: { memoryMiB: 8192 } }, "environments/dev.ts: services.receiver.memoryMiB: expected a multiple of 512 from 512 to 2048 for 250 millicores, found 8192"],
  ])("GIVEN the override %j WHEN resolved THEN the problem is named", (services, line) => {
    const { problems } = resolve({ ...dev.config, services });
    expect(problems.map((p) => `${p.file}: ${p.field}: expected ${p.expected}, found ${p.found}`)).toEqual([line]);
  });
});
