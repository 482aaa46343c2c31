/**
 * Writes a model manifest for the promoter from a freshly pushed image and the training run's metrics:
 *   npx tsx scripts/write-manifest.ts --name model-api --repository <registry>/<repo> --digest sha256:<64 hex>
 *     --metrics metrics/model-api.json --commit <sha> --out <dir>     (writes <dir>/models/model-api.json)
 * The metrics file is what training leaves behind: `{ "primaryMetric": "f1", "metrics": { "f1": 0.91 },
 * "version": "2026-11-25.1" }` (version optional: `sha-<12 hex of the commit>` otherwise). It lives in
 * `metrics/`, not `models/`, because `models/` is a promotion source and holds manifests only.
 * The manifest is validated with the promoter's own schema and written in its canonical form.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { modelManifestSchema, serializeManifest, ModelManifest } from "../modules/core/model-manifest";

/** What training writes for a model. */
export const metricsFileSchema = z.strictObject({
  primaryMetric: z.string().min(1),
  metrics: z.record(z.string().min(1), z.number()),
  version: z.string().optional(),
});

export interface ManifestInput {
  readonly name: string;
  /** `<registry>/<repo>` without tag or digest. */
  readonly repository: string;
  readonly digest: string;
  readonly commit: string;
  /** Parsed metrics file. */
  readonly metrics: unknown;
  /** @default - the metrics file's version, else `sha-<first 12 of commit>` */
  readonly version?: string;
  /** @default - now */
  readonly createdAt?: string;
}

/** Builds and validates a manifest; throws an Error listing every problem. */
export function buildManifest(input: ManifestInput): ModelManifest {
  const m = metricsFileSchema.safeParse(input.metrics);
  if (!m.success) {
    throw new Error(`metrics file: ${m.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  const candidate = {
    name: input.name,
    version: input.version ?? m.data.version ?? `sha-${input.commit.slice(0, 12)}`,
    image: `${input.repository}@${input.digest}`,
    metrics: m.data.metrics,
    primaryMetric: m.data.primaryMetric,
    sourceCommit: input.commit,
    createdAt: input.createdAt ?? new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  const parsed = modelManifestSchema.safeParse(candidate);
  if (!parsed.success) {
    throw new Error(`manifest for ${input.name}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
  }
  return parsed.data;
}

const OPTIONS = ["name", "repository", "digest", "commit", "metrics", "out", "version", "created-at"] as const;

/** Runs the command line; never exits the process itself. */
export function run(argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  const o: Partial<Record<(typeof OPTIONS)[number], string>> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "") as (typeof OPTIONS)[number];
    if (!argv[i].startsWith("--") || !OPTIONS.includes(key) || argv[i + 1] === undefined) {
      return { code: 2, stdout: "", stderr: `write-manifest: bad option ${JSON.stringify(argv[i])} (allowed: ${OPTIONS.map((k) => `--${k} <value>`).join(", ")})\n` };
    }
    o[key] = argv[i + 1];
  }
  const missing = (["name", "repository", "digest", "commit", "metrics", "out"] as const).filter((k) => !o[k]);
  if (missing.length > 0) return { code: 2, stdout: "", stderr: `write-manifest: missing ${missing.map((k) => `--${k}`).join(", ")}\n` };
  let metrics: unknown;
  try {
    metrics = JSON.parse(fs.readFileSync(o.metrics!, "utf8"));
  } catch (e) {
    return { code: 2, stdout: "", stderr: `write-manifest: ${o.metrics}: ${(e as Error).message}\n` };
  }
  let manifest: ModelManifest;
  try {
    manifest = buildManifest({ name: o.name!, repository: o.repository!, digest: o.digest!, commit: o.commit!, metrics, version: o.version, createdAt: o["created-at"] });
  } catch (e) {
    return { code: 2, stdout: "", stderr: `write-manifest: ${(e as Error).message}\n` };
  }
  const file = path.join(o.out!, "models", `${manifest.name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeManifest(manifest));
  return { code: 0, stdout: `${file}\n`, stderr: "" };
}

if (require.main === module) {
  const r = run(process.argv.slice(2));
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.code;
}
