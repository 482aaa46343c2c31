/**
 * The model manifest: what a promotion moves between environments and what the stacks deploy.
 * Shared by the promoter (writes deployments/<env>/models/<name>.json) and synth (reads them): neutral, imports only zod.
 */
import { z } from "zod";

/** `<registry>/<repo>@sha256:<64 hex>`: images are promoted by digest only, never by tag. */
export const IMAGE_BY_DIGEST = /^[a-z0-9][a-z0-9.-]*(:\d+)?(\/[a-z0-9][a-z0-9._-]*)+@sha256:[0-9a-f]{64}$/;

export const modelManifestSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, "a kebab-case model name"),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/, "a version like 1.4.0 or 2026-11-25.1"),
    image: z.string().regex(IMAGE_BY_DIGEST, "an image by digest: <registry>/<repo>@sha256:<64 hex>"),
    metrics: z.record(z.string().min(1), z.number().refine(Number.isFinite, "a finite number")),
    primaryMetric: z.string().min(1),
    sourceCommit: z.string().regex(/^[0-9a-f]{7,40}$/, "a git commit hash"),
    createdAt: z.iso.datetime({ offset: true, message: "an ISO 8601 time like 2026-11-25T10:00:00Z" }),
  })
  .superRefine((m, ctx) => {
    if (!(m.primaryMetric in m.metrics)) {
      ctx.addIssue({
        code: "custom",
        path: ["primaryMetric"],
        message: `the name of one of the metrics (${Object.keys(m.metrics).join(", ") || "none given"})`,
      });
    }
  });

export type ModelManifest = z.output<typeof modelManifestSchema>;

/** The `sha256:...` part of a manifest's image. */
export function digestOf(manifest: ModelManifest): string {
  return manifest.image.slice(manifest.image.indexOf("@") + 1);
}

/**
 * The bytes a manifest is written as: fixed key order, metrics sorted, two-space JSON, final newline.
 * One canonical form makes "same manifest" mean "same blob", which is what keeps promotions idempotent.
 */
export function serializeManifest(manifest: ModelManifest): string {
  const metrics = Object.fromEntries(Object.entries(manifest.metrics).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const ordered = {
    name: manifest.name,
    version: manifest.version,
    image: manifest.image,
    metrics,
    primaryMetric: manifest.primaryMetric,
    sourceCommit: manifest.sourceCommit,
    createdAt: manifest.createdAt,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
