/** main.ts as users run it (`npm run synth`): a real process, real files. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

function synth(env: Record<string, string>) {
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "main-")), "cdktf.out");
  const r = spawnSync(TSX, [path.join(ROOT, "main.ts")], {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1", ...env },
    encoding: "utf8",
  });
  return { ...r, outdir };
}

describe("npm run synth (main.ts)", () => {
  test("GIVEN the project's environments WHEN synthesized THEN every stack is written and summarized", () => {
    const r = synth({ MLOPS_DEPLOYMENTS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), "dep-")) });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const stack of ["dev-aws", "staging-aws", "prod-aws", "dev-azure", "prod-gcp"]) {
      expect(fs.existsSync(path.join(r.outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
      expect(r.stdout).toContain(`== ${stack}: `);
    }
    expect(r.stdout).toMatch(/aws_vpc\s+1/);
    expect(r.stdout).toContain("suppressions:");
    expect(r.stdout).toContain("images not pinned by a promoted manifest or services.<name>.imageTag (catalog tag used):\n  dev: receiver:latest-release");
    expect(fs.readdirSync(path.dirname(r.outdir))).toEqual(["cdktf.out"]); // no staging folder left behind
  });

  test("GIVEN CDKTF_ENV=dev WHEN synthesized THEN only dev stacks are written", () => {
    const r = synth({ CDKTF_ENV: "dev" });
    expect(r.status).toBe(0);
    expect(fs.readdirSync(path.join(r.outdir, "stacks")).sort()).toEqual(["dev-aws", "dev-aws-state", "dev-azure", "dev-azure-state", "dev-gcp", "dev-gcp-state"]);
  });

  test("GIVEN a bad environment file WHEN synthesized THEN one line per problem, exit 1, no stack trace, nothing written", () => {
    const r = synth({ MLOPS_ENVIRONMENTS_DIR: path.join(ROOT, "test/fixtures/environments-bad") });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines).toEqual([
      'test/fixtures/environments-bad/dev.ts: clouds.aws.network.cidr: expected an IPv4 CIDR block with no host bits set, like 10.20.0.0/16, found "10.10.0.0/33"',
      'test/fixtures/environments-bad/dev.ts: clouds.oracle: expected one of aws, azure, gcp, found "oracle"',
      "test/fixtures/environments-bad/dev.ts: services.receiver.minCount: expected at least 0, found -1",
      "synth failed: 3 configuration problems; nothing written",
    ]);
    expect(r.stderr).not.toMatch(/\bat .*\.ts:\d+/);
    expect(fs.existsSync(path.join(r.outdir, "stacks"))).toBe(false);
  });

  test("GIVEN an unknown environment in CDKTF_ENV WHEN synthesized THEN it is named and nothing is written", () => {
    const r = synth({ CDKTF_ENV: "qa" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('CDKTF_ENV: (root): expected one of dev, prod, staging, found "qa"');
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
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${path.relative(ROOT, path.join(deployments, "dev", "models", "model-api.json"))}: image: expected an image by digest: <registry>/<repo>@sha256:<64 hex>, found "registry.example.com/mlops/model-api:latest"`,
    );
    expect(fs.existsSync(r.outdir)).toBe(false);
  });
});
