/**
 * main.ts's synth shortcuts (stacks/one-pass-synth.ts, fast-resolve.ts, terraform-version-check.ts)
 * must give exactly what cdktf gives: the same resolved values and errors, the same files, and a
 * cross-stack reference still wired as App.synth() wires it.
 */
import childProcess = require("child_process");
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformLocal, TerraformOutput, TerraformStack, TerraformVariable, Token, Tokenization } from "cdktf";
import { ValidateTerraformVersion } from "cdktf/lib/validations/validate-terraform-version";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import resolveModule = require("cdktf/lib/tokens/private/resolve");
import { CHECKED_CDKTF_VERSION, withFastResolve } from "../../stacks/fast-resolve";
import { synthesizeApp } from "../../stacks/one-pass-synth";
import { countsOf, StackCounts, StackJson, summarize, summaryOf } from "../../stacks/synth-summary";
import { TerraformVersionCheck } from "../../stacks/terraform-version-check";
import { loadEnvironments } from "../../environments";
import { SERVICE_CATALOG } from "../../services/catalog";
import { buildPlatformApp } from "../../stacks/platform-app";
import { sharedSynth } from "../support/shared-synth";
import { ROOT } from "../support/stack-json";

/** Every file under `dir` with its content. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]) {
    if (e.isFile()) out[path.relative(dir, path.join(e.parentPath, e.name))] = fs.readFileSync(path.join(e.parentPath, e.name), "utf8");
  }
  return out;
}

/** cdktf's resolve of `value` in `stack`: its result, or the message it throws. */
function resolved(stack: TerraformStack, value: unknown): { value?: unknown; error?: string } {
  try {
    return { value: Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false }) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe("the token resolution shortcut", () => {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "fast-resolve-")) });
  const stack = new TerraformStack(app, "s");
  const v = new TerraformVariable(stack, "v", {});
  const local = new TerraformLocal(stack, "l", { a: 1 });
  let deep: Record<string, unknown> = { leaf: "x" };
  for (let i = 0; i < 205; i++) deep = { d: deep };
  const cases: Record<string, unknown> = {
    plain: { b: "two", a: [1, "x", undefined, null, true, { c: undefined, d: [] }], e: {}, f: 1e21, g: -0.5, h: new Date(0) },
    "terraform expressions and escapes": { s: "${aws_s3_bucket.b.id}", t: "$${literal}", u: "a ${ b } c", w: "1e5", x: "-e-", y: "2e+10 and 3e-1" },
    "string tokens": { ref: v.stringValue, joined: Fn.join(",", [v.stringValue, "b"]), lazy: Lazy.stringValue({ produce: () => "made" }), inside: `pre-${v.stringValue}-post`, local: Token.asString(local.expression) },
    "number tokens": { n: v.numberValue, list: [v.numberValue, 2], sum: Token.asNumber(Fn.sum([1, 2])) },
    "list and map tokens": { list: v.listValue, inList: ["a", ...v.listValue], map: Token.asStringMap(v.value), anyMap: Token.asAnyMap(v.value), key: { [v.stringValue]: "value" } },
    "a resolvable object": { any: Token.asAny({ a: v.stringValue, b: undefined }), lazyAny: Lazy.anyValue({ produce: () => ({ z: [v.stringValue, undefined] }) }) },
    "too deep": deep,
    "a function": { f: () => 1 },
    "a construct": { c: stack },
    "a map token marker value": { m: Token.STRING_MAP_TOKEN_VALUE, n: Token.NUMBER_MAP_TOKEN_VALUE },
    "a list token in a string": { s: `x${v.listValue}` },
  };

  it.each(Object.keys(cases))("GIVEN %s WHEN resolved with the shortcut THEN the result or error is cdktf's", (name) => {
    const expected = resolved(stack, cases[name]);
    const cdktfResolve = resolveModule.resolve;
    const fast = withFastResolve(CHECKED_CDKTF_VERSION, () => {
      expect(resolveModule.resolve).not.toBe(cdktfResolve); // the shortcut is what resolves here
      return resolved(stack, cases[name]);
    });
    expect(resolveModule.resolve).toBe(cdktfResolve);
    expect(fast).toEqual(expected);
    if (expected.value !== undefined) expect(JSON.stringify(fast.value)).toBe(JSON.stringify(expected.value)); // key order too
  });

  it("stays off for a cdktf version it was not checked against", () => {
    expect(withFastResolve("0.22.0", () => resolved(stack, cases.plain))).toEqual(resolved(stack, cases.plain));
  });
});

describe("one pass synth", () => {
  /** Two stacks; with `cross`, the second references the first's bucket (cdktf wires an output and a remote state). */
  const build = (outdir: string, cross: boolean) => {
    const app = new App({ outdir });
    const a = new TerraformStack(app, "a");
    new AwsProvider(a, "aws", { region: "eu-west-1" });
    const bucket = new S3Bucket(a, "bucket", { bucket: "b-1", tags: { n: Fn.join("-", ["x", "y"]) } });
    const b = new TerraformStack(app, "b");
    new AwsProvider(b, "aws", { region: "eu-west-1" });
    new S3Bucket(b, "other", { bucket: cross ? `copy-of-${bucket.bucket}` : "b-2" }).moveFromId("aws_s3_bucket.old");
    new TerraformOutput(b, "out", { value: cross ? bucket.arn : "none" });
    new TerraformOutput(b, "shape", { value: { z: 1, "10": "ten", "9": [1, { y: true, b: "x" }], a: { c: 1, b: 2 } } });
    return { app };
  };

  it.each([false, true])("GIVEN two stacks (cross-stack reference: %s) WHEN synthesized in one pass THEN the files are App.synth()'s", (cross) => {
    const expected = fs.mkdtempSync(path.join(os.tmpdir(), "one-pass-"));
    build(expected, cross).app.synth();
    const actual = fs.mkdtempSync(path.join(os.tmpdir(), "one-pass-"));
    let builds = 0;
    const rebuild = () => {
      builds++;
      return build(actual, cross);
    };
    const counts = new Map<string, StackCounts>();
    synthesizeApp(rebuild(), { rebuild, outdir: actual, versionCheck: new TerraformVersionCheck(), onStackJson: (stack, json) => counts.set(stack.node.id, countsOf(json as StackJson)) });
    expect(files(actual)).toEqual(files(expected));
    // The summary counts kept from the JSON are what reading the written files back gives, in the same order.
    const readBack = summarize(actual, ["a", "b"].map((name) => ({ name, suppressions: [] })));
    expect(JSON.stringify(["a", "b"].map((name) => summaryOf(name, counts.get(name)!, [])))).toBe(JSON.stringify(readBack));
    expect(builds).toBe(cross ? 2 : 1); // the cross-stack reference needed cdktf's own two passes
    if (cross) expect(files(actual)["stacks/b/cdk.tf.json"]).toContain("terraform_remote_state");
  });
});

describe("terraform version check", () => {
  const check = (constraint: string) => new ValidateTerraformVersion(constraint, "hint").validate();

  afterEach(() => jest.restoreAllMocks());

  it("GIVEN terraform version has run in the background WHEN checked THEN a satisfied check runs nothing more, any other is cdktf's own", async () => {
    const expectedOk = check(">=1.5");
    const expectedOld = check(">=99.0");
    expect(expectedOk).toEqual([]);
    expect(expectedOld[0]).toMatch(/^terraform version \d+\.\d+\.\d+ is lower than the required version >=99\.0/);
    const early = new TerraformVersionCheck().start();
    await early.settled(30_000);
    const execSync = jest.spyOn(childProcess, "execSync");
    expect(early.during(() => check(">=1.5"))).toEqual(expectedOk);
    expect(execSync).not.toHaveBeenCalled();
    expect(early.during(() => check(">=99.0"))).toEqual(expectedOld);
    expect(execSync).toHaveBeenCalledTimes(1);
    early.stop();
  });

  it("GIVEN terraform version has not finished WHEN checked THEN cdktf runs it itself", () => {
    const execSync = jest.spyOn(childProcess, "execSync");
    const late = new TerraformVersionCheck().start();
    expect(late.during(() => check(">=1.5"))).toEqual([]);
    expect(execSync).toHaveBeenCalledTimes(1);
    late.stop();
  });
});

describe("the project's own stacks", () => {
  test("GIVEN every environment and cloud WHEN synthesized by cdktf's own App.synth() THEN every file cdktf writes is what npm run synth wrote", () => {
    // npm run synth (the run's shared synthesis) goes through synthesizeApp and the resolve shortcut;
    // here the same app goes through cdktf alone, with nothing of ours on the path.
    const shared = sharedSynth();
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-own-"));
    const environments = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT });
    buildPlatformApp({ outdir, environments, catalog: SERVICE_CATALOG, deploymentsDir: shared.deploymentsDir, root: ROOT }).app.synth();
    const own = files(outdir);
    const written = files(shared.outdir);
    expect(Object.keys(own).length).toBeGreaterThan(shared.stacks.length);
    expect(Object.fromEntries(Object.keys(own).map((f) => [f, written[f]]))).toEqual(own);
    fs.rmSync(outdir, { recursive: true, force: true });
  }, 120_000);
});
