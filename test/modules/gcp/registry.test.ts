/** Google registry: one Docker repository for the catalog's images, immutable tags, cleanup that keeps the newest, scanning on. */
import { Registry, RegistryProps } from "../../../modules/gcp/registry";
import { SERVICE_CATALOG } from "../../../services/catalog";
import { resources, StackJson, synthStack } from "../../support/synth";
import { gcpTestStack, naming, PROJECT } from "./gcp-test-stack";

const KEY = "projects/mlops-test-1234/locations/europe-west3/keyRings/r/cryptoKeys/k";
const BASE = { naming, projectId: PROJECT.projectId, region: PROJECT.region };

describe("Google Registry", () => {
  let json: StackJson;
  let registry: Registry;
  beforeAll(() => {
    const stack = gcpTestStack();
    registry = new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...BASE, customerManagedKey: KEY });
    json = synthStack(stack);
  });
  const repo = (): Record<string, unknown> => resources(json, "google_artifact_registry_repository")[0];

  test("GIVEN defaults WHEN synthesized THEN one standard Docker repository with immutable tags, encrypted with the key", () => {
    expect(resources(json, "google_artifact_registry_repository")).toHaveLength(1);
    expect(repo()).toMatchObject({ format: "DOCKER", mode: "STANDARD_REPOSITORY", docker_config: { immutable_tags: true }, kms_key_name: KEY, repository_id: "mlops-test-images" });
  });

  // Every pushed image is tagged, so deleting only untagged versions deleted nothing: the DELETE policy matches
  // any tag state, and KEEP (which wins over DELETE) spares the newest 30 of each image.
  test("GIVEN defaults THEN cleanup keeps the newest 30 versions, deletes any other version older than 7 days, really runs, and scanning is inherited", () => {
    expect(repo()).toMatchObject({
      cleanup_policy_dry_run: false,
      cleanup_policies: [
        { id: "keep-recent", action: "KEEP", most_recent_versions: { keep_count: 30 } },
        { id: "delete-old", action: "DELETE", condition: { tag_state: "ANY", older_than: "604800s" } },
      ],
      vulnerability_scanning_config: { enablement_config: "INHERITED" },
    });
    expect(repo().cleanup_policies).toHaveLength(2);
  });

  test.each([
    [undefined, { prevent_destroy: true }],
    [false, { prevent_destroy: true }],
    [true, undefined],
  ])("GIVEN forceDestroy %p THEN the repository (whose images go with it) is protected from destroy: %j", (forceDestroy, lifecycle) => {
    const stack = gcpTestStack();
    new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...BASE, forceDestroy });
    expect(resources(synthStack(stack), "google_artifact_registry_repository")[0].lifecycle).toEqual(lifecycle);
  });

  test("GIVEN other retention, a dry run and scanning off THEN the policies and the repository follow them", () => {
    const stack = gcpTestStack();
    new Registry(stack, "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...BASE, keepImages: 5, untaggedRetentionDays: 2, cleanupDryRun: true, enableVulnerabilityScanning: false });
    expect(resources(synthStack(stack), "google_artifact_registry_repository")[0]).toMatchObject({
      cleanup_policy_dry_run: true,
      cleanup_policies: [
        { id: "keep-recent", action: "KEEP", most_recent_versions: { keep_count: 5 } },
        { id: "delete-old", action: "DELETE", condition: { tag_state: "ANY", older_than: "172800s" } },
      ],
      vulnerability_scanning_config: { enablement_config: "DISABLED" },
    });
  });

  test.each(SERVICE_CATALOG.map((s) => s.name))("GIVEN catalog service %s THEN its image lives under the repository, by digest when pinned and by tag otherwise", (name) => {
    const base = `${PROJECT.region}-docker.pkg.dev/${PROJECT.projectId}/mlops-test-images/${name}`;
    expect(registry.repositoryUrl(name)).toBe(base);
    expect(registry.imageUri(name, { kind: "digest", digest: `sha256:${"0".repeat(64)}`, version: "1.0.0", source: "deployments/test/models/x.json" })).toBe(`${base}@sha256:${"0".repeat(64)}`);
    expect(registry.imageUri(name, { kind: "tag", tag: "v1" })).toBe(`${base}:v1`);
  });

  test.each<[string, Partial<RegistryProps>, string]>([
    ["keepImages 0", { keepImages: 0 }, "keepImages must be an integer from 1 to 1000; got 0"],
    ["keepImages 1001", { keepImages: 1001 }, "keepImages must be an integer from 1 to 1000; got 1001"],
    ["untagged retention 0", { untaggedRetentionDays: 0 }, "untaggedRetentionDays must be a positive integer; got 0"],
    ["untagged retention 1.5", { untaggedRetentionDays: 1.5 }, "untaggedRetentionDays must be a positive integer; got 1.5"],
  ])("GIVEN %s WHEN constructed THEN validation fails with the reason", (_c, over, message) => {
    expect(() => new Registry(gcpTestStack(), "registry", { repositories: SERVICE_CATALOG.map((s) => s.name), ...BASE, ...over })).toThrow(message);
  });
});
