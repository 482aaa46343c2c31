/**
 * One synthesis of the whole project per jest run, shared by every suite that only reads the
 * Terraform JSON of the project's own environments (no promoted manifest).
 *
 * The first suite that asks runs `npm run synth` (main.ts, as users run it) into the run's temp
 * folder; suites in other workers wait for it and read the same files. Nothing here imports the
 * stacks, so a suite that only reads JSON never loads the providers' generated code.
 * Suites about synth itself, or that need the construct tree, a manifest or a subset of
 * environments as input, keep synthesizing for real (`synthProject` in ./synth).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { oncePerRunSync } from "./once-per-run";
import { ROOT, StackJson } from "./stack-json";


export type SharedCloud = "aws" | "azure" | "gcp";

/** The stacks of the shared synthesis, read-only: never write into `outdir` (copy a stack folder first). */
export interface SharedSynth {
  /** The synth output folder (manifest.json, stacks/<name>/cdk.tf.json and assets). */
  readonly outdir: string;
  /** Every synthesized stack, sorted by name, with the cloud its provider block names. */
  readonly stacks: readonly { readonly name: string; readonly cloud: SharedCloud }[];
  /** Parsed cdk.tf.json of a stack (a fresh copy on each call). */
  json(stack: string): StackJson;
  /** The empty deployments folder it was synthesized with (no promoted manifest applies). */
  readonly deploymentsDir: string;
  /** What synth printed: the policy lines and the summary per stack on stdout, nothing on stderr when it succeeds. */
  readonly stdout: string;
  readonly stderr: string;
}

let cached: SharedSynth | undefined;

/** The shared synthesis of every environment and cloud with no promoted manifest; synthesized on first use. */
export function sharedSynth(): SharedSynth {
  cached ??= read(ensureSynthesized());
  return cached;
}

/** The folder synth wrote into, synthesizing it once per jest run. */
function ensureSynthesized(): string {
  const base = oncePerRunSync("shared-synth", (dir) => synthesize(path.join(dir, "cdktf.out")));
  return path.join(base, "cdktf.out");
}

/** The synth snapshot built once per jest run; pass `cacheDir` as MLOPS_SYNTH_CACHE_DIR to start synth from it. */
export interface SharedSnapshot {
  /** The cache folder holding synth.blob and meta.json. */
  readonly cacheDir: string;
  /** How `node scripts/synth-cache/build.cjs` exited, and what it printed on stderr. */
  readonly status: number | null;
  readonly stderr: string;
}

/**
 * `node scripts/synth-cache/build.cjs` once per jest run, into the run's temp folder: suites that run
 * synth as users do (`npm run synth` starts from the snapshot) share it instead of each building one
 * or each loading the providers' code under tsx.
 */
export function sharedSnapshot(): SharedSnapshot {
  const base = oncePerRunSync("synth-snapshot", (dir) => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts", "synth-cache", "build.cjs")], {
      cwd: ROOT,
      env: { ...process.env, MLOPS_SYNTH_CACHE_DIR: path.join(dir, "cache") },
      encoding: "utf8",
    });
    fs.writeFileSync(path.join(dir, "build.json"), JSON.stringify({ status: r.status, stderr: r.stderr }));
  });
  const { status, stderr } = JSON.parse(fs.readFileSync(path.join(base, "build.json"), "utf8")) as { status: number | null; stderr: string };
  return { cacheDir: path.join(base, "cache"), status, stderr };
}

/**
 * `npm run synth` into `outdir` with an empty deployments folder; throws with synth's output when it fails.
 * Always the cold path (`tsx main.ts`, MLOPS_SYNTH_CACHE=off), whatever snapshot the machine has: the same
 * program on every machine, and the reference test/scripts/synth-cache.test.ts compares the snapshot's output with.
 */
function synthesize(outdir: string): void {
  const deployments = path.join(path.dirname(outdir), "deployments");
  fs.mkdirSync(deployments);
  const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_OUTDIR: outdir, MLOPS_DEPLOYMENTS_DIR: deployments, CHECKPOINT_DISABLE: "1", MLOPS_SYNTH_CACHE: "off" };
  delete env.CDKTF_ENV;
  delete env.MLOPS_ENVIRONMENTS_DIR;
  const r = spawnSync("npm", ["run", "--silent", "synth"], { cwd: ROOT, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Error(`npm run synth (CDKTF_OUTDIR=${outdir}) exited ${r.status ?? r.signal}:\n${r.stderr}\n${r.stdout}`);
  }
  fs.writeFileSync(path.join(path.dirname(outdir), "synth.stdout"), r.stdout);
  fs.writeFileSync(path.join(path.dirname(outdir), "synth.stderr"), r.stderr);
}

/** Lists the stacks from synth's manifest, each with the cloud its provider block names. */
function read(outdir: string): SharedSynth {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, unknown> };
  const json = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson;
  const stacks = Object.keys(manifest.stacks)
    .sort()
    .map((name) => ({ name, cloud: cloudOf(name, json(name)) }));
  const printed = (name: string) => fs.readFileSync(path.join(path.dirname(outdir), name), "utf8");
  return { outdir, stacks, json, deploymentsDir: path.join(path.dirname(outdir), "deployments"), stdout: printed("synth.stdout"), stderr: printed("synth.stderr") };
}

function cloudOf(stack: string, json: StackJson): SharedCloud {
  const providers = Object.keys(json.provider ?? {});
  if (providers.includes("aws")) return "aws";
  if (providers.includes("azurerm")) return "azure";
  if (providers.includes("google")) return "gcp";
  throw new Error(`stack ${stack}: expected an aws, azurerm or google provider block in cdk.tf.json, found ${providers.join(", ") || "none"}`);
}
