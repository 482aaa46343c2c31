/**
 * Pull-request promotions (staging, prod), rollback and status, against real bare remotes and a local
 * GitHub API fake that checks every request and response against GitHub's OpenAPI description.
 */
import { PromotionRequest } from "../../gitops/context";
import { createGitHub } from "../../gitops/github-client";
import { runPromotion } from "../../gitops/promote";
import { readStatus } from "../../gitops/status";
import { GitHubFake } from "./github-fake";
import { commitToRemote, createRemote, ENV_DIR, git, makeSource, manifest, PROJECT_ROOT, remoteBranches, remoteLog, remoteShow } from "./helpers";

const TOKEN = "ghp_testtoken0123456789";
let fake: GitHubFake;
let remote: string;
const saved = { token: process.env.GITHUB_TOKEN, api: process.env.GITHUB_API_URL };

beforeEach(async () => {
  remote = createRemote();
  fake = await GitHubFake.start({
    owner: "acme",
    repo: "mlops",
    token: TOKEN,
    branchExists: (b) => remoteBranches(remote).includes(b),
    hasCommitsAhead: (head, base) => git(remote, "rev-list", "--count", `${base}..${head}`).trim() !== "0",
  });
  process.env.GITHUB_TOKEN = TOKEN;
  process.env.GITHUB_API_URL = fake.url;
});
afterEach(async () => {
  await fake.close();
  process.env.GITHUB_TOKEN = saved.token;
  process.env.GITHUB_API_URL = saved.api;
  if (saved.token === undefined) delete process.env.GITHUB_TOKEN;
  if (saved.api === undefined) delete process.env.GITHUB_API_URL;
});

/**
 * Runs a promotion. By default the client is built from GITHUB_TOKEN / GITHUB_API_URL as in production;
 * `unthrottled` passes one without octokit's 1 s spacing of writes, which only slows a local fake down.
 */
async function run(request: Partial<PromotionRequest>, unthrottled = true) {
  const lines: string[] = [];
  const full: PromotionRequest = { kind: "promote", env: "staging", base: "main", dryRun: false, repoUrl: remote, ...request };
  const github = unthrottled && process.env.GITHUB_TOKEN ? createGitHub({ owner: "acme", repo: "mlops", token: TOKEN, baseUrl: fake.url, throttle: false }) : undefined;
  const r = await runPromotion({ request: full, environmentsDir: ENV_DIR, root: PROJECT_ROOT, githubRepo: "acme/mlops", github, log: (l) => lines.push(l) });
  expect(lines.join("\n")).not.toContain(TOKEN);
  expect(fake.violations).toEqual([]);
  return { ...r, lines };
}

const deploy = (env: string, ...ms: ReturnType<typeof manifest>[]) =>
  commitToRemote(remote, Object.fromEntries(ms.map((m) => [`deployments/${env}/models/${m.name}.json`, JSON.stringify(m, null, 2)])), [], `deploy ${env}`);

describe("promotion by pull request", () => {
  it("GIVEN dev runs a model staging lacks WHEN promoted from dev THEN a PR opens with the first-deployment decision, main untouched", async () => {
    deploy("dev", manifest("model-api", "1.0.0", { auc: 0.8 }));
    const head = remoteLog(remote)[0];
    const r = await run({ fromEnv: "dev" }, false);
    expect(r.exitCode).toBe(0);
    expect(r.outcome).toBe("proposed");
    expect(r.branch).toMatch(/^promote\/staging\/model-api-[0-9a-f]{8}$/);
    expect(remoteLog(remote)[0]).toBe(head);
    expect(JSON.parse(remoteShow(remote, "deployments/staging/models/model-api.json", r.branch)!).version).toBe("1.0.0");
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({ head: r.branch, base: "main", title: "promote(staging): model-api 1.0.0", state: "open" });
    expect(fake.pulls[0].body).toContain("| model-api | auc (higher-is-better) | none | 0.8 | n/a | 1% | **first-deployment** |");
    expect(r.pullRequest).toMatchObject({ number: 1, url: "https://github.com/acme/mlops/pull/1", action: "opened" });
  });

  it("GIVEN the same promotion twice THEN no second PR, no new branch, no new commit", async () => {
    deploy("dev", manifest("model-api", "1.0.0"));
    await run({ fromEnv: "dev" });
    const branches = remoteBranches(remote);
    const second = await run({ fromEnv: "dev" });
    expect(second.exitCode).toBe(0);
    expect(second.pullRequest?.action).toBe("unchanged");
    expect(fake.pulls).toHaveLength(1);
    expect(remoteBranches(remote)).toEqual(branches);
    expect(fake.requests.filter((q) => q.method === "POST")).toHaveLength(1);
  });

  it("GIVEN an open PR for the same change with a stale body THEN it is updated, not duplicated", async () => {
    deploy("dev", manifest("model-api", "1.0.0"));
    await run({ fromEnv: "dev" });
    fake.pulls[0].body = "edited by hand";
    const r = await run({ fromEnv: "dev" });
    expect(r.pullRequest?.action).toBe("updated");
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0].body).toContain("### Metric gate");
  });

  it("GIVEN a candidate more than 1% better THEN the gate passes and PR body and trailers carry both numbers", async () => {
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8 }));
    deploy("dev", manifest("model-api", "2.0.0", { auc: 0.85, f1: 0.7 }));
    const r = await run({ fromEnv: "dev" });
    expect(r.exitCode).toBe(0);
    expect(r.gate[0]).toMatchObject({ outcome: "pass", candidateValue: 0.85, deployedValue: 0.8 });
    expect(fake.pulls[0].body).toContain("| model-api | auc (higher-is-better) | 0.8 | 0.85 | +6.25% | 1% | **pass** |");
    const trailer = git(remote, "log", "-1", "--format=%(trailers:key=Metric-Gate,valueonly)", r.branch!);
    expect(trailer.trim()).toBe("model-api pass auc candidate=0.85 deployed=0.8 change=+6.25% threshold=1%");
  });

  it("GIVEN a candidate less than 1% better THEN the gate holds: exit 3, both numbers, nothing pushed, no PR", async () => {
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8 }));
    deploy("dev", manifest("model-api", "2.0.0", { auc: 0.805 }));
    const branches = remoteBranches(remote);
    const r = await run({ fromEnv: "dev" });
    expect(r.exitCode).toBe(3);
    expect(r.outcome).toBe("gate-held");
    expect(r.message).toContain("auc 0.805 vs 0.8 deployed (1.0.0): +0.63% does not beat the required more than 1% higher");
    expect(remoteBranches(remote)).toEqual(branches);
    expect(fake.requests).toHaveLength(0);
  });

  it("GIVEN the candidate names another primary metric than the deployed manifest THEN the gate holds with both names: exit 3, nothing pushed", async () => {
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8, f1: 0.5 }, "auc"));
    deploy("dev", manifest("model-api", "2.0.0", { auc: 0.7, f1: 0.9 }, "f1"));
    const branches = remoteBranches(remote);
    const r = await run({ fromEnv: "dev" });
    expect(r.exitCode).toBe(3);
    expect(r.outcome).toBe("gate-held");
    expect(r.message).toContain("primary metrics differ: the candidate model-api 2.0.0 names f1, the deployed model-api 1.0.0 names auc");
    expect(remoteBranches(remote)).toEqual(branches);
    expect(fake.requests).toHaveLength(0);
  });

  it("GIVEN a source folder into staging THEN it also goes through the gate and a PR", async () => {
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8 }));
    const r = await run({ sourceDir: makeSource({ models: [manifest("model-api", "2.0.0", { auc: 0.79 })] }) });
    expect(r.exitCode).toBe(3);
    const ok = await run({ sourceDir: makeSource({ models: [manifest("model-api", "2.0.0", { auc: 0.9 })] }) });
    expect(ok.outcome).toBe("proposed");
  });

  it("GIVEN --from-env that is not the environment's promotion.from THEN exit 2 and nothing happens", async () => {
    deploy("dev", manifest("model-api", "1.0.0"));
    const r = await run({ env: "prod", fromEnv: "dev" });
    expect(r.exitCode).toBe(2);
    expect(r.message).toBe('command line: --from-env: expected "staging" (prod is promoted from staging only: promotion.from in its environment file), found "dev"');
    expect(fake.requests).toHaveLength(0);
  });

  it("GIVEN no GITHUB_TOKEN for a pull-request environment THEN exit 2 before anything is pushed", async () => {
    delete process.env.GITHUB_TOKEN;
    deploy("dev", manifest("model-api", "1.0.0"));
    const branches = remoteBranches(remote);
    const r = await run({ fromEnv: "dev" });
    expect(r.exitCode).toBe(2);
    expect(r.message).toMatch(/^environment: GITHUB_TOKEN: expected a token that may open pull requests/);
    expect(remoteBranches(remote)).toEqual(branches);
  });

  it("GIVEN a dry run into staging THEN the gate decision is printed and nothing is pushed or opened", async () => {
    deploy("dev", manifest("model-api", "1.0.0"));
    const branches = remoteBranches(remote);
    const r = await run({ fromEnv: "dev", dryRun: true });
    expect(r.outcome).toBe("dry-run");
    expect(r.lines.join("\n")).toMatch(/gate: model-api: first-deployment/);
    expect(remoteBranches(remote)).toEqual(branches);
    // It checks GitHub access as the real run would (same exit code), and writes nothing there.
    expect(fake.requests).toEqual([{ method: "GET", path: "/repos/acme/mlops", status: 200 }]);
  });
});

/** Merges a promotion PR as GitHub's fast-forward would, and closes it. */
function merge(branch: string): void {
  git(remote, "update-ref", "refs/heads/main", git(remote, "rev-parse", `refs/heads/${branch}`).trim(), remoteLog(remote)[0]);
  for (const p of fake.pulls) if (p.head === branch) p.state = "closed";
}

describe("hostile and careless input into pull-request environments (issue 13)", () => {
  it("GIVEN prod without GITHUB_TOKEN WHEN --dry-run THEN exit 2 as the real run (item 9)", async () => {
    delete process.env.GITHUB_TOKEN;
    deploy("staging", manifest("model-api", "1.0.0"));
    const r = await run({ env: "prod", fromEnv: "staging", dryRun: true });
    expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 2, outcome: "invalid-input" });
    expect(r.message).toMatch(/^environment: GITHUB_TOKEN: expected a token that may open pull requests/);
  });

  it.each(["* text=auto\n", "*.py text\n"])("GIVEN .gitattributes %j and CRLF DAGs WHEN promoted into staging three times THEN one branch, one PR (item 4)", async (attrs) => {
    commitToRemote(remote, { ".gitattributes": attrs, "deployments/dev/dags/etl.py": "x = 1\n" }, [], "attributes");
    const src = makeSource({ dags: { "etl.py": "from airflow import DAG\r\n", "b.py": "y = 2\r\n" } });
    const first = await run({ sourceDir: src });
    expect(first.outcome).toBe("proposed");
    const branches = remoteBranches(remote);
    for (let i = 0; i < 2; i++) {
      const again = await run({ sourceDir: src });
      expect({ exitCode: again.exitCode, branch: again.branch, action: again.pullRequest?.action }).toEqual({ exitCode: 0, branch: first.branch, action: "unchanged" });
    }
    expect(remoteBranches(remote)).toEqual(branches);
    expect(fake.pulls).toHaveLength(1);
  });

  it("GIVEN a broken manifest deployed in staging WHEN a valid one is promoted THEN the PR replaces it and says so (item 7)", async () => {
    commitToRemote(remote, { "deployments/staging/models/model-api.json": "{ broken" }, [], "broken");
    deploy("dev", manifest("model-api", "2.0.0"));
    const r = await run({ fromEnv: "dev" });
    expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 0, outcome: "proposed" });
    expect(fake.pulls[0].body).toMatch(/> \*\*Note:\*\* replaces the invalid deployed manifest of model-api: deployments\/staging\/models\/model-api.json/);
  });

  it("GIVEN a GitHub API that accepts and never answers THEN the run ends within the bound and no branch is pushed (item 11)", async () => {
    const sockets: import("net").Socket[] = [];
    const server = require("net").createServer((s: import("net").Socket) => sockets.push(s)) as import("net").Server;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as import("net").AddressInfo).port}`;
    deploy("dev", manifest("model-api", "1.0.0"));
    const branches = remoteBranches(remote);
    try {
      const r = await runPromotion({
        request: { kind: "promote", env: "staging", base: "main", dryRun: false, repoUrl: remote, fromEnv: "dev" },
        environmentsDir: ENV_DIR,
        root: PROJECT_ROOT,
        githubRepo: "acme/mlops",
        githubClient: { timeoutMs: 300, retries: 1, retryAfterBaseMs: 10, throttle: false },
      });
      expect({ exitCode: r.exitCode, outcome: r.outcome }).toEqual({ exitCode: 1, outcome: "failed" });
      expect(r.message).toMatch(/no answer within 300 ms/);
      expect(remoteBranches(remote)).toEqual(branches);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});

describe("a PR branch of the same name already exists", () => {
  it("GIVEN 1.1 was promoted and merged, then rolled back WHEN 1.1 is promoted again THEN a new branch and PR, the merged branch untouched", async () => {
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8 }));
    deploy("dev", manifest("model-api", "1.1.0", { auc: 0.9 }));
    const first = await run({ fromEnv: "dev" });
    expect(first.outcome).toBe("proposed");
    const old = git(remote, "rev-parse", `refs/heads/${first.branch}`).trim();
    merge(first.branch!);
    const rollback = await run({ kind: "rollback", rollback: { model: "model-api", toVersion: "1.0.0", reason: "1.1.0 misbehaves in staging" } });
    merge(rollback.branch!);
    expect(JSON.parse(remoteShow(remote, "deployments/staging/models/model-api.json")!).version).toBe("1.0.0");

    const again = await run({ fromEnv: "dev" });
    expect(again.message).toMatch(/^pull request #3 opened/);
    expect(again.exitCode).toBe(0);
    expect(again.branch).toBe(`${first.branch}-${remoteLog(remote)[0].slice(0, 8)}`);
    expect(again.lines.join("\n")).toContain(`${first.branch} exists but is stale; leaving it as it is and using ${again.branch}`);
    expect(git(remote, "rev-parse", `refs/heads/${first.branch}`).trim()).toBe(old);
    expect(JSON.parse(remoteShow(remote, "deployments/staging/models/model-api.json", again.branch)!).version).toBe("1.1.0");
    expect(git(remote, "rev-parse", `${again.branch}^`).trim()).toBe(remoteLog(remote)[0]);
    expect(fake.pulls[2]).toMatchObject({ head: again.branch, state: "open" });

    // And that new branch is the one a re-run finds: nothing new.
    const branches = remoteBranches(remote);
    const rerun = await run({ fromEnv: "dev" });
    expect(rerun.pullRequest?.action).toBe("unchanged");
    expect(rerun.branch).toBe(again.branch);
    expect(remoteBranches(remote)).toEqual(branches);
  });

  it("GIVEN the open PR's branch was made before the environment changed on main WHEN promoted again THEN the change goes to a branch on the new base", async () => {
    deploy("dev", manifest("model-api", "1.0.0"));
    const first = await run({ fromEnv: "dev" });
    const old = git(remote, "rev-parse", `refs/heads/${first.branch}`).trim();
    commitToRemote(remote, { "deployments/staging/dags/etl.py": "x = 1\n" }, [], "someone adds a DAG to staging");
    const again = await run({ fromEnv: "dev" });
    expect(again.exitCode).toBe(0);
    expect(again.branch).toBe(`${first.branch}-${remoteLog(remote)[0].slice(0, 8)}`);
    expect(remoteShow(remote, "deployments/staging/dags/etl.py", again.branch)).toBe("x = 1\n");
    expect(git(remote, "rev-parse", `refs/heads/${first.branch}`).trim()).toBe(old);
  });
});

describe("rollback", () => {
  it("GIVEN staging moved from 1.0.0 to 2.0.0 WHEN rolled back to 1.0.0 THEN a PR restores that manifest with the reason", async () => {
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8 }));
    deploy("staging", manifest("model-api", "2.0.0", { auc: 0.9 }));
    const r = await run({ kind: "rollback", rollback: { model: "model-api", toVersion: "1.0.0", reason: "2.0.0 doubles p99 latency" } });
    expect(r.exitCode).toBe(0);
    expect(r.outcome).toBe("proposed");
    expect(JSON.parse(remoteShow(remote, "deployments/staging/models/model-api.json", r.branch)!)).toMatchObject({ version: "1.0.0", metrics: { auc: 0.8 } });
    expect(fake.pulls[0].title).toBe("rollback(staging): model-api 1.0.0");
    expect(fake.pulls[0].body).toContain("Reason: 2.0.0 doubles p99 latency");
    expect(r.gate[0].outcome).toBe("not-enforced");
  });

  it("GIVEN a version never deployed THEN exit 2 lists the versions in its history", async () => {
    deploy("staging", manifest("model-api", "1.0.0"));
    deploy("staging", manifest("model-api", "2.0.0"));
    const r = await run({ kind: "rollback", rollback: { model: "model-api", toVersion: "9.9.9", reason: "testing a bad version" } });
    expect(r.exitCode).toBe(2);
    expect(r.message).toBe('deployments/staging/models/model-api.json: version: expected a version from its history in staging (2.0.0, 1.0.0), found "9.9.9"');
  });
});

describe("status", () => {
  it("GIVEN deployments and an open promotion PR THEN status lists models per environment, DAG counts and the PR", async () => {
    commitToRemote(remote, { "deployments/dev/dags/a.py": "x = 1\n", "deployments/dev/dags/b.py": "y = 2\n" }, [], "dags");
    deploy("dev", manifest("model-api", "2.0.0", { auc: 0.9 }));
    deploy("staging", manifest("model-api", "1.0.0", { auc: 0.8 }));
    await run({ fromEnv: "dev" });
    const s = await readStatus({ repoUrl: remote, base: "main", environmentsDir: ENV_DIR, githubRepo: "acme/mlops" });
    expect(s.environments.map((e) => [e.env, e.dags])).toEqual([["dev", 2], ["staging", 0], ["prod", 0]]);
    expect(s.models.map((m) => `${m.env} ${m.model} ${m.version} ${m.primaryMetric}=${m.value}`)).toEqual(["dev model-api 2.0.0 auc=0.9", "staging model-api 1.0.0 auc=0.8"]);
    expect(s.pullRequests?.map((p) => p.head)).toEqual([expect.stringMatching(/^promote\/staging\/bundle-[0-9a-f]{8}$/)]);
    expect(fake.violations).toEqual([]);
  });
});

describe("the GitHub fake itself", () => {
  it("GIVEN a request GitHub's spec rejects THEN it is recorded as a violation", async () => {
    const res = await fetch(`${fake.url}/repos/acme/mlops/pulls?state=bogus&colour=red`, { headers: { authorization: `token ${TOKEN}` } });
    expect(res.status).toBe(200);
    await fetch(`${fake.url}/repos/acme/mlops/pulls`, { method: "POST", headers: { authorization: `token ${TOKEN}` }, body: JSON.stringify({ title: 5, head: "x", base: "main" }) });
    expect(fake.violations).toEqual([
      expect.stringMatching(/query parameter state: .*must be equal to one of the allowed values/),
      expect.stringMatching(/unknown query parameter colour/),
      expect.stringMatching(/request body: \/title must be string/),
    ]);
    fake.violations.length = 0;
  });
});
