/**
 * Several synthesized stacks planned by ONE terraform root: each stack folder is copied in as a child
 * module (`module "<name>" { source = "./<name>" }`) with its test override file inside its own folder
 * (override files merge per module directory), so one `init`, one `plan` and one `show -json` cover them
 * all. Every terraform command loads the AWS provider's schema (seconds of CPU); a root per stack paid
 * that four times per stack.
 *
 * What terraform 1.11 does with a root module called as a child (checked, and why it is still the stack's plan):
 * - its provider block stays its own provider configuration (legal without count/for_each/depends_on on the
 *   call), so default tags, region and the override's fake credentials apply as in a root of its own;
 *   terraform warns "Redundant empty provider block" for it, a warning only;
 * - its backend block is ignored with a warning (plans do not read it; the day-0 suite inits a root of
 *   its own to check the backend);
 * - moved blocks resolve inside the module; plan addresses get a `module.<name>.` prefix, stripped here,
 *   and the planned values are the same as in a root of its own (compared when this was written);
 * - `terraform plan` runs terraform's validation of the whole configuration first and fails on any
 *   error, so no separate `terraform validate` is run. Validation is stricter for root-module outputs
 *   (a sensitive value needs `sensitive = true`): every stack output is re-exported as a root output
 *   with the stack's own `sensitive` flag, so that check still applies to each stack.
 * - `-target` addresses are written as `module.<name>.<addr>`; when any stack is planned with targets,
 *   the whole-stack ones are targeted as `-target=module.<name>`, which plans every resource of it.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { terraformEnv } from "./harness";

const run = promisify(execFile);

/** One stack of a combined plan. */
export interface CombinedEntry {
  /** Module name in the combined root, and the key of its plan. */
  readonly name: string;
  /** The synthesized stack folder (cdk.tf.json and its assets); copied, never written. */
  readonly dir: string;
  /** Written as `test_override.tf.json` into the module's folder. */
  readonly override: object;
  /** Addresses inside the stack for `-target`; undefined plans the whole stack. */
  readonly targets?: readonly string[];
}

/** One planned resource, as `terraform show -json` reports it, with the stack's own address. */
export interface ResourceChange {
  address: string;
  type: string;
  change: { actions: string[]; after: Record<string, unknown> | null; after_unknown?: Record<string, unknown> };
}

/** The plan of one stack of a combined plan. */
export interface StackPlan {
  /** From `terraform show -json` of the saved plan: this stack's resource changes, and terraform's verdict on the plan. */
  readonly plan: { readonly resource_changes: ResourceChange[]; readonly errored: boolean };
  /** The `-target` addresses it was planned with (stack addresses), empty for a whole-stack plan. */
  readonly targets: readonly string[];
}

const MODULE_NAME = /^[a-zA-Z_][a-zA-Z0-9_-]*$/;

/**
 * Writes the combined root into `root`, runs init, plan and show, and writes each stack's plan to
 * `root/plans/<name>.json` (read it with `readStackPlan`). Throws with terraform's output when a step fails.
 */
export async function planCombined(root: string, entries: readonly CombinedEntry[], cliConfig: string): Promise<void> {
  // Go's collector at 4x the default heap growth: a quarter less CPU for these plans, for a few hundred MB more memory.
  const env = { ...terraformEnv(cliConfig), GOGC: "400" };
  const main: { module: Record<string, { source: string }>; output: Record<string, { value: string; sensitive?: boolean }> } = { module: {}, output: {} };
  for (const e of entries) {
    if (!MODULE_NAME.test(e.name)) throw new Error(`combined plan: module name "${e.name}" must match ${MODULE_NAME}`);
    const dir = path.join(root, e.name);
    fs.cpSync(e.dir, dir, { recursive: true }); // cdk.tf.json and its assets (zipped function code)
    fs.writeFileSync(path.join(dir, "test_override.tf.json"), JSON.stringify(e.override, null, 2));
    main.module[e.name] = { source: `./${e.name}` };
    const outputs = (JSON.parse(fs.readFileSync(path.join(e.dir, "cdk.tf.json"), "utf8")) as { output?: Record<string, { sensitive?: boolean }> }).output ?? {};
    for (const [out, decl] of Object.entries(outputs)) {
      main.output[`${e.name}__${out}`] = { value: `\${module.${e.name}.${out}}`, ...(decl.sensitive ? { sensitive: true } : {}) };
    }
  }
  // An empty "output" object is not valid Terraform JSON (an output block needs a name).
  fs.writeFileSync(path.join(root, "main.tf.json"), JSON.stringify(Object.keys(main.output).length > 0 ? main : { module: main.module }, null, 2));
  const targeted = entries.some((e) => e.targets);
  const targetArgs = targeted ? entries.flatMap((e) => (e.targets ? e.targets.map((t) => `-target=module.${e.name}.${t}`) : [`-target=module.${e.name}`])) : [];
  const planArgs = ["plan", "-input=false", "-refresh=false", "-lock=false", "-no-color", ...targetArgs, "-out=plan.bin"];
  fs.writeFileSync(path.join(root, "plan-command.txt"), `terraform ${planArgs.join(" ")}\n`); // to rerun it by hand
  await terraform(root, env, ["init", "-input=false", "-no-color"]);
  await terraform(root, env, planArgs);
  const shown = JSON.parse(await terraform(root, env, ["show", "-json", "plan.bin"])) as { errored: boolean; resource_changes?: (ResourceChange & Record<string, unknown>)[] };
  fs.mkdirSync(path.join(root, "plans"));
  for (const e of entries) {
    const prefix = `module.${e.name}`;
    const changes = (shown.resource_changes ?? []).filter((c) => c.address.startsWith(`${prefix}.`)).map((c) => ownAddresses(c, prefix));
    const plan: StackPlan = { plan: { resource_changes: changes, errored: shown.errored }, targets: e.targets ?? [] };
    fs.writeFileSync(path.join(root, "plans", `${e.name}.json`), JSON.stringify(plan));
  }
}

/** The plan of stack `name` written by `planCombined` into `root`. */
export function readStackPlan(root: string, name: string): StackPlan {
  return JSON.parse(fs.readFileSync(path.join(root, "plans", `${name}.json`), "utf8")) as StackPlan;
}

/** A resource change with the addresses it would have in a root of its own (no `module.<name>` prefix). */
function ownAddresses(c: ResourceChange & Record<string, unknown>, prefix: string): ResourceChange {
  const strip = (a: unknown) => (typeof a === "string" && a.startsWith(`${prefix}.`) ? a.slice(prefix.length + 1) : a);
  const { module_address: moduleAddress, ...rest } = c;
  const own: Record<string, unknown> = { ...rest, address: strip(c.address) };
  if ("previous_address" in c) own.previous_address = strip(c.previous_address);
  if (typeof moduleAddress === "string" && moduleAddress !== prefix) own.module_address = strip(moduleAddress);
  return own as unknown as ResourceChange;
}

async function terraform(cwd: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  try {
    return (await run("terraform", args, { cwd, env, maxBuffer: 512 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`terraform ${args[0]} failed in ${cwd}:\n${err.stderr || ""}\n${err.stdout || ""}`);
  }
}
