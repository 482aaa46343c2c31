/**
 * The day-0 runbook of one (environment, cloud) as data: each step a title, an optional note, the
 * shell commands that do it and what it needs and makes, in an order where no step needs something a
 * later one creates. The first apply is split so that nothing runs before its image and secrets exist:
 * a targeted foundation apply (registries, CI identities, secret containers: read from the synthesized
 * stack, `scripts/day0-foundation.ts`), images and secret values, the database and MLflow's role, then
 * the full apply. Pure:
 * `scripts/day0.ts` prints the steps (`--dry-run`) or runs them, and the README's day-0 section is
 * this plan's rendering (a test compares the two).
 */
import type { CloudName, EnvironmentConfig } from "../environments/schema";
import { Context } from "./day0-context";
import type { Day0Options, Day0Step } from "./day0-context";
import { awsSteps } from "./day0-steps-aws";
import { azureSteps } from "./day0-steps-azure";
import { gcpSteps } from "./day0-steps-gcp";

export { BOOTSTRAP_OVERRIDE_FILE, bootstrapOverride, ECS_OVERRIDES_LIMIT, sh, STACKS_DIR } from "./day0-context";
export type { Day0Capability, Day0Options, Day0Step } from "./day0-context";

/**
 * The runbook of `cloud` for `env`. Throws when the cloud is not configured or keeps local state
 * (CI never deploys such a stack, so there is nothing to hand over); the CLI turns that into exit 2.
 */
export function day0Steps(env: EnvironmentConfig, cloud: CloudName, opts: Day0Options): Day0Step[] {
  const cfg = env.clouds[cloud];
  const file = opts.file ?? `environments/${env.name}.ts`;
  if (!cfg) throw new Day0InputError(`${file}: clouds.${cloud}: expected a ${cloud} section, found none (this environment has ${Object.keys(env.clouds).join(", ")})`);
  if (cfg.backend.type === "local") {
    throw new Day0InputError(`${file}: clouds.${cloud}.backend: expected a remote backend (CI takes over from day 0 and never deploys local state), found { type: "local" }`);
  }
  const ctx = new Context(env, cloud, opts);
  return cloud === "aws" ? awsSteps(ctx, env.clouds.aws!) : cloud === "azure" ? azureSteps(ctx, env.clouds.azure!) : gcpSteps(ctx, env.clouds.gcp!);
}

/** Bad input the user can fix: printed as one line, exit 2. */
export class Day0InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "Day0InputError";
  }
}

/** Renders the steps as the CLI prints them. */
export function renderSteps(env: EnvironmentConfig, cloud: CloudName, steps: readonly Day0Step[]): string {
  const lines = [`# day 0 of ${env.name} on ${cloud}: ${steps.length} steps, run from the project root`];
  steps.forEach((s, i) => {
    lines.push("", `# ${i + 1}. ${s.title}`);
    if (s.note) for (const n of s.note.split("\n")) lines.push(`#    ${n}`);
    lines.push(...s.commands);
  });
  return `${lines.join("\n")}\n`;
}
