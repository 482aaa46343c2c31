/**
 * Every real-terraform AWS plan of the test suite, declared in one place and made by two combined
 * terraform roots per jest run (./combined-plan.ts; `groupOf` says which): one init, one plan and one
 * show per root, instead of init, validate, plan and show per stack (each command loads the AWS
 * provider's schema). The first suite to ask for a root builds it (producing its stack folders below),
 * the others wait and read their stack's plan. Adding a plan means adding an entry here.
 */
import * as fs from "fs";
import * as path from "path";
import { sharedSynth } from "../support/shared-synth";
import type { StackJson } from "../support/stack-json";
import { ROOT } from "../support/stack-json";
import { CombinedEntry, planCombined, readStackPlan, StackPlan } from "./combined-plan";
import { awsProviderOverride } from "./harness";
import { oncePerRun } from "../support/once-per-run";

/** How one plan's stack folder is produced, and what of it is planned. */
interface AwsPlanEntry {
  /** A stack of the run's shared synthesis (`npm run synth`, test/support/shared-synth.ts). */
  readonly shared?: string;
  /** Or a synthesis of the test's own into `outdir`, returning the stack folder. */
  readonly synth?: (outdir: string) => Promise<string>;
  /** `-target` addresses from the stack's JSON (a day-0 step's); omitted plans the whole stack. */
  readonly targets?: (json: StackJson) => Promise<string[]>;
}

/** The stacks the AWS suites plan, all with the provider region eu-central-1 and fake credentials. */
const ENTRIES = {
  /** test/terraform/aws-plan.test.ts */
  "dev-aws": { shared: "dev-aws" },
  "prod-aws": { shared: "prod-aws" },
  /** test/terraform/aws-day0-foundation-plan.test.ts: the foundation targets `npm run day0` prints. */
  "dev-aws-foundation": {
    shared: "dev-aws",
    targets: async (json: StackJson) => (await import("../../scripts/day0-foundation")).foundationTargets("aws", json),
  },
  /** test/terraform/aws-day0-database-plan.test.ts: exactly the targets of the printed database-apply step. */
  "dev-aws-database": { shared: "dev-aws", targets: databaseApplyTargets },
  /** test/terraform/aws-self-hosted-airflow-plan.test.ts: dev with `airflow.mode: "self-hosted"`. */
  "dev-aws-self-hosted": { synth: synthSelfHostedDev },
  /** test/modules/aws/mwaa.test.ts: the MWAA construct in the AWS test stack. */
  "mwaa-test": { synth: synthMwaaTestStack },
  /** test/terraform/state-storage-plan.test.ts */
  "dev-aws-state": { synth: (outdir: string) => synthStateStack("dev", outdir) },
  "prod-aws-state": { synth: (outdir: string) => synthStateStack("prod", outdir) },
} satisfies Record<string, AwsPlanEntry>;

/** The name of a declared AWS plan. */
export type AwsPlanName = keyof typeof ENTRIES;

/** The synthesized stack folder of a declared plan (read-only; copy it before writing). Shared within the run. */
export async function awsStackFolder(name: AwsPlanName): Promise<string> {
  const entry: AwsPlanEntry = ENTRIES[name];
  if (entry.shared) return path.join(sharedSynth().outdir, "stacks", entry.shared);
  const synth = entry.synth!;
  const outdir = await oncePerRun(`aws-stack-${name}`, async (folder) => {
    fs.writeFileSync(path.join(folder, "stack"), await synth(path.join(folder, "cdktf.out")));
  });
  return fs.readFileSync(path.join(outdir, "stack"), "utf8");
}

/**
 * The plan of a declared stack, from the run's combined plan of its group's stacks (built on first
 * use). `cliConfig` is the caller's terraform CLI config (./harness.ts `terraformAvailability`).
 */
export async function awsPlan(name: AwsPlanName, cliConfig: string): Promise<StackPlan> {
  const group = groupOf(name);
  const root = await oncePerRun(`aws-plans-${group}`, async (folder) => {
    const entries: CombinedEntry[] = [];
    for (const [n, e] of (Object.entries(ENTRIES) as [AwsPlanName, AwsPlanEntry][]).filter(([other]) => groupOf(other) === group)) {
      const dir = await awsStackFolder(n);
      const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as StackJson;
      entries.push({ name: n, dir, override: awsProviderOverride("eu-central-1"), targets: e.targets ? await e.targets(json) : undefined });
    }
    await planCombined(folder, entries, cliConfig);
  });
  return readStackPlan(root, name);
}

/**
 * Two combined roots: the shared synthesis' stacks and the tests' own syntheses. Two suites arriving
 * together in two jest workers then build one each, in parallel, instead of one building while the
 * other waits (each root costs one more schema load per command).
 */
function groupOf(name: AwsPlanName): "shared" | "own" {
  return (ENTRIES[name] as AwsPlanEntry).shared ? "shared" : "own";
}

/** The `-target` addresses of dev's printed "Database apply" day-0 step (the servers' closure and the logins' password values). */
async function databaseApplyTargets(json: StackJson): Promise<string[]> {
  const { loadEnvironments } = await import("../../environments");
  const { day0Steps } = await import("../../scripts/day0-steps");
  const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
  const apply = day0Steps(dev.config, "aws", { services: [], stack: json }).find((s) => s.title.startsWith("Database apply"));
  if (!apply) throw new Error("day0Steps(dev, aws) has no 'Database apply' step");
  return [...apply.commands[0].matchAll(/-target=(\S+)/g)].map((m) => m[1]);
}

/** dev's AWS stack with the one switch flipped (`airflow.mode: "self-hosted"`), the committed dev otherwise. */
async function synthSelfHostedDev(outdir: string): Promise<string> {
  const { loadEnvironments } = await import("../../environments");
  const { SERVICE_CATALOG } = await import("../../services/catalog");
  const { buildPlatformApp } = await import("../../stacks/platform-app");
  const environments = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" }).map((e) => ({
    ...e,
    config: { ...e.config, clouds: { aws: e.config.clouds.aws }, airflow: { ...e.config.airflow!, mode: "self-hosted" as const } },
  }));
  const deploymentsDir = path.join(outdir, "..", "deployments"); // empty: no promoted manifest
  fs.mkdirSync(deploymentsDir, { recursive: true });
  buildPlatformApp({ outdir, environments, catalog: SERVICE_CATALOG, deploymentsDir, root: ROOT }).app.synth();
  return path.join(outdir, "stacks", "dev-aws");
}

/** The MWAA construct's test stack (test/modules/aws/mwaa-test-stack.ts), named `test`. */
async function synthMwaaTestStack(outdir: string): Promise<string> {
  const { App } = await import("cdktf");
  const { mwaaTestStack } = await import("../modules/aws/mwaa-test-stack");
  const app = new App({ outdir });
  mwaaTestStack({}, app);
  app.synth();
  return path.join(outdir, "stacks", "test");
}

/** The state-storage stack of an environment, alone (platform-app's registration of it is tested beside the stack). */
async function synthStateStack(env: string, outdir: string): Promise<string> {
  const { App } = await import("cdktf");
  const { loadEnvironments } = await import("../../environments");
  const { StateStorageStack } = await import("../../stacks/state-storage-stack");
  const app = new App({ outdir });
  const [{ config }] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: env });
  new StateStorageStack(app, `${config.name}-aws-state`, { env: config, cloud: "aws" });
  app.synth();
  return path.join(outdir, "stacks", `${config.name}-aws-state`);
}
