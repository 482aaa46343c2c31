/**
 * The CLI as users and CI run it: exit codes, --json, and 8 promoters racing on one remote. The exit
 * codes 0, 2 and 3 and --json are checked on real processes; the rest runs main() in-process.
 */
import * as path from "path";
import { CliRun, cliInProcess, cliProcess } from "./cli-runner";
import { createRemote, ENV_DIR, git, makeSource, manifest, PROJECT_ROOT, remoteFiles, remoteLog, commitToRemote } from "./helpers";

function cli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return cliInProcess([...args, "--environments", ENV_DIR], { env });
}

/** The same as a separate `tsx gitops/cli.ts` process. */
function cliAsProcess(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return cliProcess([...args, "--environments", ENV_DIR], { env });
}

describe("CLI", () => {
  it("GIVEN a valid source THEN exit 0 with a progress line per step and a summary (a real process)", async () => {
    const remote = createRemote();
    const r = await cliAsProcess(["promote", "--source", makeSource({ dags: { "a.py": "x = 1\n" }, models: [manifest("model-api", "1")] }), "--env", "dev", "--repo", remote]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const step of ["validate", "fetch", "diff", "commit", "push", "pull request"]) expect(r.stdout).toMatch(new RegExp(`^${step}: (succeeded|skipped)`, "m"));
    expect(r.stdout).toMatch(/^summary: promoted \(exit 0\): promoted into dev: [0-9a-f]{12} on main \| 2 added, 0 changed, 0 deleted \| gate: model-api not-enforced$/m);
  });

  it("GIVEN an invalid manifest THEN exit 2 and the message names the file and field", async () => {
    const remote = createRemote();
    const src = makeSource({ models: [{ ...manifest("model-api", "1"), image: "repo/model-api:latest" }] });
    const r = await cli(["promote", "--source", src, "--env", "dev", "--repo", remote]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.relative(PROJECT_ROOT, src)}/models/model-api.json: image: expected an image by digest: <registry>/<repo>@sha256:<64 hex>, found "repo/model-api:latest"`);
    expect(remoteLog(remote)).toHaveLength(1);
  });

  it("GIVEN a held gate THEN exit 3 with both numbers, and --json carries the decision (a real process)", async () => {
    const remote = createRemote();
    commitToRemote(remote, { "deployments/staging/models/model-api.json": JSON.stringify(manifest("model-api", "1", { auc: 0.9 })) }, [], "staging");
    commitToRemote(remote, { "deployments/dev/models/model-api.json": JSON.stringify(manifest("model-api", "2", { auc: 0.88 })) }, [], "dev");
    const r = await cliAsProcess(["promote", "--from-env", "dev", "--env", "staging", "--repo", remote, "--github-repo", "acme/mlops", "--json"], {
      GITHUB_TOKEN: "ghp_secret_never_printed",
      GITHUB_API_URL: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { outcome: string; gate: { candidateValue: number; deployedValue: number }[]; message: string };
    expect(out.outcome).toBe("gate-held");
    expect(out.gate[0]).toMatchObject({ candidateValue: 0.88, deployedValue: 0.9 });
    expect(out.message).toContain("auc 0.88 vs 0.9 deployed");
    expect(r.stdout + r.stderr).not.toContain("ghp_secret_never_printed");
  });

  it("GIVEN an empty dags/ THEN exit 2 unless --allow-empty-dags, which deletes the environment's DAGs", async () => {
    const remote = createRemote();
    commitToRemote(remote, { "deployments/dev/dags/a.py": "x = 1\n" }, [], "dev dags");
    const src = makeSource({ dags: {} });
    const refused = await cli(["promote", "--source", src, "--env", "dev", "--repo", remote]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("pass --allow-empty-dags to do that on purpose");
    expect(remoteFiles(remote, "deployments/dev")).toEqual(["dags/a.py"]);
    const allowed = await cli(["promote", "--source", src, "--env", "dev", "--repo", remote, "--allow-empty-dags"]);
    expect(allowed.code).toBe(0);
    expect(remoteFiles(remote, "deployments/dev")).toEqual([]);
  });

  it("GIVEN a missing required option THEN exit 2 (a real process)", async () => {
    const r = await cliAsProcess(["promote", "--source", "x", "--repo", "y"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/required option '--env <env>' not specified/);
  });

  it("GIVEN a repo URL with credentials THEN they are not printed", async () => {
    const r = await cli(["promote", "--source", makeSource({ dags: { "a.py": "x = 1\n" } }), "--env", "dev", "--repo", "https://user:hunter2secret@127.0.0.1:9/x.git"]);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain("hunter2secret");
    expect(r.stdout + r.stderr).toContain("https://***@127.0.0.1:9/x.git");
  });

  it("status prints environments x models and DAG counts", async () => {
    const remote = createRemote();
    commitToRemote(remote, { "deployments/dev/models/model-api.json": JSON.stringify(manifest("model-api", "1.2.0", { auc: 0.91 })), "deployments/dev/dags/a.py": "" }, [], "dev");
    const r = await cli(["status", "--repo", remote], { GITHUB_TOKEN: "" });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dev\s+model-api\s+1\.2\.0\s+sha256:[0-9a-f]{12}\.\.\.\s+auc=0\.91$/m);
    expect(r.stdout).toMatch(/^dev\s+direct\s+1$/m);
    expect(r.stdout).toMatch(/^staging\s+-/m);
  });
});

describe("concurrency", () => {
  it("GIVEN 8 promoters racing on one remote THEN every change lands, history is linear, nothing forced", async () => {
    const remote = createRemote();
    const names = Array.from({ length: 8 }, (_, i) => `model-${i}`);
    const runs = await Promise.all(names.map((n) => cli(["promote", "--source", makeSource({ models: [manifest(n, "1")] }), "--env", "dev", "--repo", remote, "--json"])));
    for (const r of runs) expect({ code: r.code, stderr: r.stderr.split("\n").filter((l) => l.startsWith("error")) }).toEqual({ code: 0, stderr: [] });
    expect(remoteFiles(remote, "deployments/dev")).toEqual(names.map((n) => `models/${n}.json`).sort());
    expect(git(remote, "log", "--merges", "--format=%H", "main")).toBe("");
    expect(remoteLog(remote)).toHaveLength(9);
    // Linear: every commit has at most one parent, and each promotion is exactly one commit.
    expect(git(remote, "rev-list", "--min-parents=2", "main")).toBe("");
    const results = runs.map((r) => JSON.parse(r.stdout) as { outcome: string; pushed: boolean });
    expect(results.map((r) => r.outcome)).toEqual(names.map(() => "promoted"));
  }, 60000);
});
