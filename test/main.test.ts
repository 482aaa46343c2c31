/**
 * main.ts as users run it (`npm run synth`): a real process, real files. The launcher starts main.ts
 * from the synth snapshot built once per test run (test/support/shared-synth.ts), as it does for
 * users once the snapshot is built; test/scripts/synth-cache.test.ts checks that this writes and
 * prints exactly what `tsx main.ts` does.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sharedSnapshot } from "./support/shared-synth";

const ROOT = path.resolve(__dirname, "..");
const LAUNCH = path.join(ROOT, "scripts", "synth-cache", "launch.cjs");
const snapshot = sharedSnapshot();

function synth(env: Record<string, string>, outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "main-")), "cdktf.out")) {
  // CI: a launcher that found no fresh snapshot would build one in the background.
  const r = spawnSync(process.execPath, [LAUNCH], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", MLOPS_SYNTH_CACHE_DIR: snapshot.cacheDir, CI: "true", ...env },
    encoding: "utf8",
  });
  return { ...r, outdir };
}

/** Writes `files` (path -> content) under `dir`, creating folders. */
function write(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
}

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

describe("npm run synth (main.ts)", () => {
  beforeAll(() => {
    expect(snapshot.stderr).toBe("");
    expect(snapshot.status).toBe(0);
  });

  test("GIVEN the project's environments and a previous synthesis with terraform state WHEN synthesized THEN every stack is written and summarized, terraform's files kept", () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "main-")), "cdktf.out");
    write(outdir, {
      "manifest.json": "{}",
      "stacks/dev-aws/cdk.tf.json": "{}",
      "stacks/dev-aws/.terraform.lock.hcl": "lock",
      "stacks/dev-aws/terraform.dev-aws.tfstate": "state",
      "stacks/retired-aws/cdk.tf.json": "{}",
    });
    const r = synth({ MLOPS_DEPLOYMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "dep-")) }, outdir);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const stack of ["dev-aws", "staging-aws", "prod-aws", "dev-azure", "prod-gcp"]) {
      expect(fs.existsSync(path.join(r.outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
      expect(r.stdout).toContain(`== ${stack}: `);
    }
    expect(r.stdout).toMatch(/aws_vpc\s+1/);
    expect(r.stdout).toContain("suppressions:");
    expect(r.stdout).toContain("images not pinned by a promoted manifest or services.<name>.imageTag (catalog tag used):\n  dev: receiver:0.1.0");
    expect(fs.readdirSync(path.dirname(r.outdir))).toEqual(["cdktf.out"]); // no staging folder left behind
    expect(fs.readFileSync(path.join(outdir, "stacks/dev-aws/terraform.dev-aws.tfstate"), "utf8")).toBe("state");
    expect(fs.existsSync(path.join(outdir, "stacks/dev-aws/.terraform.lock.hcl"))).toBe(true);
    expect(fs.existsSync(path.join(outdir, "stacks/retired-aws"))).toBe(false); // only synth's file was in it
    expect(fs.readFileSync(path.join(outdir, "stacks/dev-aws/cdk.tf.json"), "utf8")).not.toBe("{}");
  });

  test("GIVEN the output folder is a project (package.json, .git, sources) WHEN synthesized THEN it is refused in one line, exit 2, nothing removed or written", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
    write(project, { "package.json": "{}", ".git/HEAD": "ref: refs/heads/main\n", "main.ts": "// mine\n", "cdktf.json": "{}" });
    const before = tree(project);
    const r = synth({ CDKTF_ENV: "dev" }, project);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual([
      `CDKTF_OUTDIR: (folder): expected an empty folder, or one holding only what synth wrote (manifest.json, stacks/<name>/); synth removes nothing else, so choose another folder, found ${JSON.stringify(project)} holding .git/, cdktf.json, main.ts, package.json`,
      "synth failed: 1 configuration problem; nothing written",
    ]);
    expect(tree(project)).toEqual(before);
    expect(fs.readdirSync(path.dirname(project)).filter((n) => n.startsWith(`${path.basename(project)}.staging`))).toEqual([]);
  });

  test('GIVEN CDKTF_ENV="," over a previous synthesis WHEN synthesized THEN it is an error, exit 2, the previous output untouched', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "main-")), "cdktf.out");
    write(outdir, { "manifest.json": "previous", "stacks/dev-aws/cdk.tf.json": "previous" });
    const r = synth({ CDKTF_ENV: "," }, outdir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('CDKTF_ENV: (root): expected a comma list of environment names (dev, prod, staging), or unset for all, found ","');
    expect(tree(outdir)).toEqual(["manifest.json", "stacks/dev-aws/cdk.tf.json"]);
    expect(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8")).toBe("previous");
  });

  test("GIVEN no terraform on PATH WHEN synthesized THEN the stacks with moved blocks are written anyway (terraform enforces their required_version at init)", () => {
    // cdktf checks `terraform version` (>= 1.5) for every stack with a moved block; the AWS stacks have them.
    const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), "no-terraform-"));
    const r = synth({ CDKTF_ENV: "dev", PATH: emptyPath, MLOPS_DEPLOYMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "dep-")) });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const json = JSON.parse(fs.readFileSync(path.join(r.outdir, "stacks", "dev-aws", "cdk.tf.json"), "utf8")) as { moved?: unknown[]; terraform: { required_version: string } };
    expect(json.moved?.length).toBeGreaterThan(0);
    expect(json.terraform.required_version).toBe(">= 1.11.0");
  });

  test("GIVEN CDKTF_ENV=dev WHEN synthesized THEN only dev stacks are written", () => {
    const r = synth({ CDKTF_ENV: "dev" });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(r.outdir, "stacks")).sort()).toEqual(["dev-aws", "dev-aws-state", "dev-azure", "dev-azure-state", "dev-gcp", "dev-gcp-state"]);
  });

  test("GIVEN a bad environment file and one with a syntax error WHEN synthesized THEN one line per problem, exit 2, no stack trace, nothing written", () => {
    const envs = fs.mkdtempSync(path.join(os.tmpdir(), "envs-"));
    fs.copyFileSync(path.join(ROOT, "test/fixtures/environments-bad/dev.ts"), path.join(envs, "dev.ts"));
    // Written here, not kept as a fixture: tsc would refuse the project with it.
    fs.writeFileSync(path.join(envs, "qa.ts"), 'const qa = { name: "qa",, };\nexport default qa;\n');
    const rel = path.relative(ROOT, envs);
    const r = synth({ MLOPS_ENVIRONMENTS_DIR: envs });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      `${rel}/qa.ts: (file): expected a TypeScript file that compiles and runs, found a syntax error at line 1, column 25: Expected identifier but found ","`,
      `${rel}/dev.ts: clouds.aws.network.cidr: expected an IPv4 CIDR block with no host bits set, like 10.20.0.0/16, found "10.10.0.0/33"`,
      `${rel}/dev.ts: clouds.oracle: expected one of aws, azure, gcp, found "oracle"`,
      `${rel}/dev.ts: services.receiver.minCount: expected at least 0, found -1`,
      "synth failed: 4 configuration problems; nothing written",
    ]);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(fs.existsSync(path.join(r.outdir, "stacks"))).toBe(false);
  });

  test("GIVEN an unknown environment in CDKTF_ENV and CDKTF_OUTDIR under a file WHEN synthesized THEN both are named and nothing is written", () => {
    // Shares the process with an output folder under a file: both are named, each with its real reason.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "main-"));
    fs.writeFileSync(path.join(dir, "file"), "mine");
    const r = synth({ CDKTF_ENV: "qa" }, path.join(dir, "file", "cdktf.out"));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      `CDKTF_OUTDIR: (folder): expected a folder whose parent folders exist, found ${JSON.stringify(path.join(dir, "file", "cdktf.out"))}: ${path.join(dir, "file")} is a file, not a folder`,
      'CDKTF_ENV: (root): expected one of dev, prod, staging, found "qa"',
      "synth failed: 2 configuration problems; nothing written",
    ]);
    expect(fs.readdirSync(dir)).toEqual(["file"]);
  });

  test("GIVEN MLOPS_ENVIRONMENTS_DIR that does not exist WHEN synthesized THEN one line names it, exit 2, nothing written", () => {
    const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "envs-")), "nope");
    const r = synth({ MLOPS_ENVIRONMENTS_DIR: missing });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      `MLOPS_ENVIRONMENTS_DIR: (folder): expected a folder of environment files (<name>.ts), found ${JSON.stringify(missing)}: no such file or folder`,
      "synth failed: 1 configuration problem; nothing written",
    ]);
    expect(fs.existsSync(r.outdir)).toBe(false);
  });

  test("GIVEN a promoted manifest with a tag instead of a digest WHEN synthesized THEN the manifest file and field are named and nothing is written", () => {
    const deployments = fs.mkdtempSync(path.join(os.tmpdir(), "dep-"));
    fs.mkdirSync(path.join(deployments, "dev", "models"), { recursive: true });
    const manifest = {
      name: "model-api",
      version: "1.0.0",
      image: "registry.example.com/mlops/model-api:latest",
      metrics: { auc: 0.9 },
      primaryMetric: "auc",
      sourceCommit: "abc1234",
      createdAt: "2026-11-25T10:00:00Z",
    };
    fs.writeFileSync(path.join(deployments, "dev", "models", "model-api.json"), JSON.stringify(manifest));
    const r = synth({ CDKTF_ENV: "dev", MLOPS_DEPLOYMENTS_DIR: deployments });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${path.relative(ROOT, path.join(deployments, "dev", "models", "model-api.json"))}: image: expected an image by digest: <registry>/<repo>@sha256:<64 hex>, found "registry.example.com/mlops/model-api:latest"`,
    );
    expect(fs.existsSync(r.outdir)).toBe(false);
  });
});
