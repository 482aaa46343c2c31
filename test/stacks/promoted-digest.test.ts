/**
 * The loop the promoter closes: a manifest in deployments/prod/models/model-api.json makes the
 * prod stack of every cloud run that image digest, from that cloud's own registry; environments
 * without a manifest, and services without one, keep their configured tag.
 */
import { promotedDeployments } from "../support/deployments";
import { synthProject } from "../support/synth";

const DIGEST = `sha256:${"5e".repeat(32)}`;
const built = synthProject({ select: "dev,prod", deploymentsDir: promotedDeployments({ prod: { digest: DIGEST, version: "3.1.0" } }) });

/** Every image reference a stack's JSON deploys, by the workload it belongs to. */
function images(stack: string): string[] {
  const text = JSON.stringify(built.json(stack));
  return [...text.matchAll(/[^"\\]*(?:@sha256:[0-9a-f]{64}|:0\.1\.0)/g)].map((m) => m[0]);
}

describe.each(["aws", "azure", "gcp"])("prod-%s with a promoted model-api manifest", (cloud) => {
  test("GIVEN the manifest WHEN prod is synthesized THEN model-api runs exactly that digest from the cloud's registry", () => {
    // The official Airflow and PostgreSQL client images are pinned by their own digests (modules/core/airflow.ts,
    // modules/core/database-migration.ts), not by a manifest.
    const pinned = images(`prod-${cloud}`).filter((i) => i.includes("@sha256:") && !i.includes("apache/airflow") && !i.includes("library/postgres"));
    expect(pinned.length).toBeGreaterThan(0);
    for (const image of pinned) {
      expect(image.endsWith(`@${DIGEST}`)).toBe(true);
      expect(image).not.toContain("registry.example.com"); // the stack's own registry, not the manifest's
      expect(image).toMatch(/model-api/);
    }
  });

  test("GIVEN no manifest for dev WHEN dev is synthesized THEN nothing is pinned and the catalog tag is used", () => {
    expect(images(`dev-${cloud}`).filter((i) => i.includes("@sha256:") && !i.includes("apache/airflow") && !i.includes("library/postgres"))).toEqual([]);
    expect(images(`dev-${cloud}`).some((i) => i.includes("model-api"))).toBe(true);
  });
});
