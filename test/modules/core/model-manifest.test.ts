/** The model manifest both synth and the promoter read: digest-only images, a primary metric among the metrics, one canonical form. */
import { digestOf, IMAGE_BY_DIGEST, ModelManifest, modelManifestSchema, serializeManifest } from "../../../modules/core/model-manifest";

const DIGEST = `sha256:${"ab".repeat(32)}`;
const GOOD: ModelManifest = {
  name: "model-api", version: "1.4.0", image: `registry.example.com/mlops/model-api@${DIGEST}`, metrics: { f1: 0.84, auc: 0.91 },
  primaryMetric: "auc", sourceCommit: "0123456789abcdef0123456789abcdef01234567", createdAt: "2026-11-25T10:00:00Z",
};
const issues = (input: unknown): string[] => {
  const r = modelManifestSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
};

describe("modelManifestSchema", () => {
  test("GIVEN the promoter's manifest WHEN parsed THEN it is accepted as is", () => {
    expect(modelManifestSchema.parse(GOOD)).toEqual(GOOD);
  });

  test.each<[string, Partial<Record<keyof ModelManifest, unknown>> & { extra?: unknown }, string]>([
    ["an image by tag", { image: "registry.example.com/mlops/model-api:latest" }, "image: an image by digest: <registry>/<repo>@sha256:<64 hex>"],
    ["a short digest", { image: "registry.example.com/mlops/model-api@sha256:abc" }, "image: an image by digest: <registry>/<repo>@sha256:<64 hex>"],
    ["an upper-case name", { name: "Model" }, "name: a kebab-case model name"],
    ["a version with a space", { version: "1 4" }, "version: a version like 1.4.0 or 2026-11-25.1"],
    ["a branch for the commit", { sourceCommit: "main" }, "sourceCommit: a git commit hash"],
    ["a date without time", { createdAt: "2026-11-25" }, "createdAt: an ISO 8601 time like 2026-11-25T10:00:00Z"],
    ["a primary metric not among the metrics", { primaryMetric: "rmse" }, "primaryMetric: the name of one of the metrics (f1, auc)"],
    ["no metrics", { metrics: {}, primaryMetric: "auc" }, "primaryMetric: the name of one of the metrics (none given)"],
  ])("GIVEN %s WHEN parsed THEN the issue names the field and what is expected", (_c, over, message) => {
    expect(issues({ ...GOOD, ...over })).toContain(message);
  });

  test("GIVEN an unknown key WHEN parsed THEN it is refused (a typo never passes silently)", () => {
    expect(issues({ ...GOOD, imgae: "x" }).length).toBeGreaterThan(0);
  });

  test("GIVEN a registry with a port and a nested path THEN the digest pattern accepts it", () => {
    expect(IMAGE_BY_DIGEST.test(`localhost:5000/a/b/c@${DIGEST}`)).toBe(true);
  });
});

describe("serializeManifest and digestOf", () => {
  test("GIVEN the same manifest with keys and metrics in another order WHEN serialized THEN the same bytes: fixed keys, sorted metrics, final newline", () => {
    const shuffled = { createdAt: GOOD.createdAt, metrics: { auc: 0.91, f1: 0.84 }, sourceCommit: GOOD.sourceCommit, primaryMetric: "auc", image: GOOD.image, version: GOOD.version, name: GOOD.name };
    const text = serializeManifest(GOOD);
    expect(serializeManifest(shuffled)).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(["name", "version", "image", "metrics", "primaryMetric", "sourceCommit", "createdAt"]);
    expect(Object.keys(JSON.parse(text).metrics)).toEqual(["auc", "f1"]);
  });

  test("GIVEN a manifest WHEN its digest is read THEN the sha256 part only", () => {
    expect(digestOf(GOOD)).toBe(DIGEST);
  });
});
