/** Test helpers: synthesize the real app (or one stack) in-process and read the Terraform JSON. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { CloudName, loadEnvironments } from "../../environments";
import { SERVICE_CATALOG } from "../../services/catalog";
import { synthesizeApp } from "../../stacks/one-pass-synth";
import { buildPlatformApp, MIN_TERRAFORM_VERSION, PlatformApp } from "../../stacks/platform-app";
import { TerraformVersionCheck } from "../../stacks/terraform-version-check";
import { ROOT, StackJson } from "./stack-json";

// Suites that only read JSON import ./stack-json (and ./shared-synth) directly, without the stacks.
export { resources, ROOT } from "./stack-json";
export type { StackJson } from "./stack-json";

const versionCheck = new TerraformVersionCheck({ requiredAtLeast: MIN_TERRAFORM_VERSION });

export interface SynthedApp extends PlatformApp {
  readonly outdir: string;
  /** Parsed cdk.tf.json of a stack by name (`dev-aws`). */
  json(stack: string): StackJson;
}

/**
 * Builds and synthesizes the project's own environments (optionally limited, like CDKTF_ENV) into
 * a fresh temp folder. `deploymentsDir` defaults to an empty folder, so no promoted manifest applies;
 * `clouds` keeps only those clouds' stacks.
 */
export function synthProject(opts: { select?: string; deploymentsDir?: string; envDir?: string; clouds?: readonly CloudName[] } = {}): SynthedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
  const loaded = loadEnvironments({ dir: opts.envDir ?? path.join(ROOT, "environments"), root: ROOT, select: opts.select });
  // A single-cloud suite builds only its cloud's stacks (each cloud costs seconds of synth).
  const environments = opts.clouds
    ? loaded.map((e) => ({ ...e, config: { ...e.config, clouds: Object.fromEntries(Object.entries(e.config.clouds).filter(([c]) => opts.clouds!.includes(c as CloudName))) } }))
    : loaded;
  const deploymentsDir = opts.deploymentsDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
  const build = () => buildPlatformApp({ outdir, environments, catalog: SERVICE_CATALOG, deploymentsDir, root: ROOT });
  // As main.ts synthesizes (one token resolution per stack, `terraform version` once per test file).
  const built = synthesizeApp(build(), { outdir, rebuild: build, versionCheck: versionCheck.runNow() });
  return {
    ...built,
    outdir,
    json: (stack) => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as StackJson,
  };
}

/** Synthesizes a single stack built by a test (aspects included) and parses it. */
export function synthStack(stack: TerraformStack): StackJson {
  return JSON.parse(Testing.synth(stack)) as StackJson;
}
