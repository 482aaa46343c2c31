/**
 * main.ts's synth: cdktf's App.synth() with one token resolution per stack instead of two.
 *
 * App.synth() first "prepares" every stack: it resolves the whole of the stack's Terraform JSON and
 * throws the result away, only so that a reference to another stack's resource can register the
 * output and remote-state data source it needs (cdktf 0.21.0 terraform-stack.js prepareStack,
 * tfExpression.js Reference.resolve); then it resolves everything again to write it. That first
 * pass was a third of synth's CPU time. Our stacks reference nothing across stacks, so here it is
 * skipped (the local backend it would add to a stack without one is still added). Should a stack
 * ever resolve another stack's reference, the pass stops there, the app is built again and cdktf's
 * own App.synth() writes it: the output is cdktf's either way. Token resolution itself takes the
 * shortcut of ./fast-resolve, and cdktf's `terraform version` checks ./terraform-version-check.
 * A synth that succeeds writes cdktf's bytes (test/stacks/one-pass-synth.test.ts compares the project's
 * stacks). One that fails may report another of its errors first: cdktf resolves every stack before any
 * stack's validations, this pass takes the stacks one by one.
 */
import * as fs from "fs";
import * as path from "path";
import { App, IResolveContext, TerraformStack } from "cdktf";
import { FOR_EXPRESSION_KEY } from "cdktf/lib/tfExpression";
import { CHECKED_CDKTF_VERSION, withFastResolve } from "./fast-resolve";
import { TerraformVersionCheck } from "./terraform-version-check";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const CDKTF_VERSION = (require("cdktf/package.json") as { version: string }).version;

/** What cdktf's Reference (not exported) holds: the stack it belongs to, and its id in each other stack. */
interface ReferenceInternals {
  readonly originStack?: TerraformStack;
  readonly crossStackIdentifier: Record<string, string | undefined>;
  resolve(context: IResolveContext): unknown;
}

/** Thrown inside the one pass where a stack resolves another stack's reference. */
class NeedsPreparingPass extends Error {}

/** The prototype of cdktf's Reference, when it is the one this file was written against. */
function referencePrototype(): ReferenceInternals | undefined {
  const proto = Object.getPrototypeOf(FOR_EXPRESSION_KEY) as Partial<ReferenceInternals> | null;
  const own = FOR_EXPRESSION_KEY as unknown as Partial<ReferenceInternals>;
  if (!proto || typeof proto.resolve !== "function" || typeof own.crossStackIdentifier !== "object") return undefined;
  return proto as ReferenceInternals;
}

/** Runs `fn` (an App.synth()) without the preparing pass, stopping at a cross-stack reference. */
function withoutPreparingPass(reference: ReferenceInternals, fn: () => void): void {
  const stack = TerraformStack.prototype;
  const prepare = stack.prepareStack;
  const resolveReference = reference.resolve;
  stack.prepareStack = function (this: TerraformStack) {
    this.ensureBackendExists();
  };
  reference.resolve = function (this: ReferenceInternals, context: IResolveContext) {
    // The condition under which cdktf's prepared resolve would have given another stack's id.
    if (!context.preparing && this.originStack) {
      const here = TerraformStack.of(context.scope);
      if (this.originStack !== here && !this.crossStackIdentifier[String(here)]) {
        throw new NeedsPreparingPass(`${here.node.path} references a resource of ${this.originStack.node.path}`);
      }
    }
    return resolveReference.call(this, context);
  };
  try {
    fn();
  } finally {
    stack.prepareStack = prepare;
    reference.resolve = resolveReference;
  }
}

/** How synthesizeApp() synthesizes. */
export interface SynthesizeOptions<T> {
  /** The app's output folder. */
  readonly outdir: string;
  /** Builds the same app again, for cdktf's own App.synth() when a stack references another stack. */
  readonly rebuild: () => T;
  /** Started before the app was built. @default - cdktf runs `terraform version` for each check */
  readonly versionCheck?: TerraformVersionCheck;
  /** Called with each stack's Terraform JSON, the object cdktf writes to its cdk.tf.json. @default - none */
  readonly onStackJson?: (stack: TerraformStack, json: unknown) => void;
}

/**
 * Synthesizes `built.app` as App.synth() does; returns what was synthesized: `built`, or, when a
 * stack references another stack's resource, a fresh `rebuild()` synthesized by App.synth() itself
 * (after removing the stacks the first attempt wrote).
 */
export function synthesizeApp<T extends { readonly app: App }>(built: T, opts: SynthesizeOptions<T>): T {
  const run = (app: App, fn: () => void) => {
    if (opts.onStackJson) observeStacks(app, opts.onStackJson);
    withFastResolve(CDKTF_VERSION, () => (opts.versionCheck ? opts.versionCheck.during(fn) : fn()));
  };
  const reference = CDKTF_VERSION === CHECKED_CDKTF_VERSION ? referencePrototype() : undefined;
  if (!reference) {
    run(built.app, () => built.app.synth());
    return built;
  }
  try {
    run(built.app, () => withoutPreparingPass(reference, () => built.app.synth()));
    return built;
  } catch (e) {
    if (!(e instanceof NeedsPreparingPass)) throw e;
  }
  fs.rmSync(path.join(opts.outdir, "stacks"), { recursive: true, force: true });
  const again = opts.rebuild();
  run(again.app, () => again.app.synth());
  return again;
}

/** Hands each stack's JSON to `observe` as the stack's synthesizer gets it (App.synth() calls toTerraform() once per stack). */
function observeStacks(app: App, observe: (stack: TerraformStack, json: unknown) => void): void {
  for (const stack of app.node.findAll().filter(TerraformStack.isStack)) {
    const toTerraform = stack.toTerraform.bind(stack);
    stack.toTerraform = () => {
      const json: unknown = toTerraform();
      observe(stack, json);
      return json;
    };
  }
}
