/**
 * `npm run day0` without --dry-run runs exactly the printed commands, in order, with bash in the project root,
 * and stops at the first failure. The cloud CLIs, terraform, npm/npx and gh are stub programs on PATH that
 * record how they were called, so nothing reaches a cloud or GitHub.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execute, plan, synthesizedStack } from "../../scripts/day0";
import { secretsWithoutValue } from "../../scripts/day0-foundation";
import { BOOTSTRAP_OVERRIDE_FILE, Day0Step, day0Steps } from "../../scripts/day0-steps";
import { loadEnvironments } from "../../environments";
import { SERVICE_CATALOG } from "../../services/catalog";
import { resolveServices } from "../../services/resolve";
import { ROOT } from "../support/stack-json";

const STUB = `#!/bin/bash
name=$(basename "$0")
line="$name $*"
for a in "$@"; do
  case "$a" in -chdir=*) [ -f "\${a#-chdir=}/${BOOTSTRAP_OVERRIDE_FILE}" ] && line="$line [override]";; esac
done
echo "$line" >> "$DAY0_LOG"
[ -n "\${DAY0_FAIL:-}" ] && [[ "$line" == *"$DAY0_FAIL"* ]] && exit 1
# The migration's SQL: DAY0_SQL_BYTES makes it that long (the RunTask overrides limit).
if [ "$name $1 $2" = "npx tsx scripts/database-migrate.ts" ]; then head -c "\${DAY0_SQL_BYTES:-64}" /dev/zero | tr '\\0' 'x'; exit 0; fi
case "$name $1 $2" in
  "aws ecs run-task") echo arn:aws:ecs:eu-central-1:111111111111:task/mlops-dev/0123abcd ;;
  "aws ecs describe-tasks") echo "\${DAY0_EXIT_CODE:-0}" ;;
  "aws sts get-caller-identity") echo 111111111111 ;;
  "aws secretsmanager get-secret-value") echo '{"username":"stub","password":"stub-password"}' ;;
  "aws rds describe-db-instances") echo stub-rds ;;
  "gh run view") echo true ;;
esac
if [ "$name" = terraform ] && [ "$2" = output ]; then echo "stub-$4"; fi
if [ "$name" = openssl ]; then echo stub-random; fi
if [ "$name" = jq ]; then cat >/dev/null; echo stub-password; fi
exit 0
`;

/** Nothing: the migration runs in the stack's own task (jq is a stub on PATH). */
const USER_ENV: Record<string, string> = {};

function sandbox(fail?: string, extra: Record<string, string> = USER_ENV) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "day0-run-"));
  const bin = path.join(root, ".stubs");
  fs.mkdirSync(bin);
  for (const tool of ["aws", "terraform", "npm", "npx", "gh", "openssl", "sleep", "jq"]) {
    fs.writeFileSync(path.join(bin, tool), STUB, { mode: 0o755 });
  }
  fs.mkdirSync(path.join(root, "cdktf.out", "stacks", "dev-aws-state"), { recursive: true });
  const log = path.join(root, "calls.log");
  const env = { ...process.env, ...extra, PATH: `${bin}:${process.env.PATH}`, DAY0_LOG: log, ...(fail ? { DAY0_FAIL: fail } : {}) };
  return { root, env, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : []) };
}

function devEnvironment() {
  const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
  return dev;
}

function steps(): Day0Step[] {
  const p = plan(["--env", "dev", "--cloud", "aws"], ROOT);
  if ("error" in p) throw new Error(p.error);
  return p.steps;
}

/** dev-aws's steps with a catalog whose receiver reads a secret (no shipped workload reads one today). */
function stepsWithSecret(): Day0Step[] {
  const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
  const catalog = SERVICE_CATALOG.map((s) => (s.name === "receiver" ? { ...s, secrets: ["receiver-api-key"] } : s));
  const { services } = resolveServices(dev.config, catalog, {}, dev.file);
  return day0Steps(dev.config, "aws", { services, file: dev.file, stack: synthesizedStack(dev, "aws", ROOT) });
}

/** The migration step's commands as execute runs them (bash, errexit, pipefail), with stderr captured. */
function runRoleStep(box: ReturnType<typeof sandbox>): { status: number | null; stderr: string } {
  const role = steps().find((s) => s.title.startsWith("Create MLflow's database role"))!;
  let stderr = "";
  for (const command of role.commands) {
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", command], { cwd: box.root, env: box.env, encoding: "utf8" });
    stderr += r.stderr;
    if (r.status !== 0) return { status: r.status, stderr };
  }
  return { status: 0, stderr };
}

describe("day0 run mode (AWS, stubbed tools)", () => {
  test("GIVEN every tool succeeds WHEN run THEN the state stack is applied on the override, migrated without it, and CI takes over after the first deploy", () => {
    const box = sandbox();
    const out: string[] = [];
    expect(execute(steps(), { cwd: box.root, env: box.env, out: (t) => out.push(t), err: (t) => out.push(t) })).toBe(0);
    const calls = box.calls();
    const at = (s: string) => {
      const i = calls.indexOf(s);
      if (i < 0) throw new Error(`not called: ${s}\ncalls:\n${calls.join("\n")}`);
      return i;
    };
    const order = [
      at("aws sso login"),
      at("npm run synth"),
      at("terraform -chdir=cdktf.out/stacks/dev-aws-state init -input=false [override]"),
      at("terraform -chdir=cdktf.out/stacks/dev-aws-state apply [override]"),
      at("terraform -chdir=cdktf.out/stacks/dev-aws-state init -input=false -migrate-state -force-copy"),
      calls.findIndex((c) => c.startsWith("terraform -chdir=cdktf.out/stacks/dev-aws apply -target=aws_ecr_repository.")),
      at("gh api --method PUT repos/acme-ml/mlops-suite/environments/dev"),
      at("gh variable set AWS_ROLE_ARN_INFRA_BUILDER --repo acme-ml/mlops-suite --env dev --body stub-ci_builder"),
      at("gh workflow run images.yml --repo acme-ml/mlops-suite --ref main"),
      calls.findIndex((c) => c.startsWith("aws secretsmanager put-secret-value")),
      // The database apply targets the migration task too (and what RunTask is given: cluster, subnets, security group).
      at(
        "terraform -chdir=cdktf.out/stacks/dev-aws apply -target=aws_db_instance.database_instance_D7FC2283 -target=aws_ecs_cluster.cluster_A4C38409 " +
          "-target=aws_ecs_task_definition.db-migrate_task_0C7171A5 -target=aws_security_group.db-migrate_sg_CEEAFBAC " +
          "-target=aws_subnet.network_private-eu-central-1a_29F48933 -target=aws_subnet.network_private-eu-central-1b_50C40B77",
      ),
      at("aws secretsmanager get-secret-value --region eu-central-1 --secret-id mlops/dev/mlflow-db-login --query SecretString --output text"),
      calls.findIndex((c) => c.startsWith("npx tsx scripts/database-migrate.ts --emit-sql ")),
      calls.findIndex((c) => c.startsWith("aws ecs run-task ")),
      at("aws ecs wait tasks-stopped --region eu-central-1 --cluster stub-database_migration_cluster --tasks arn:aws:ecs:eu-central-1:111111111111:task/mlops-dev/0123abcd"),
      at("npx cdktf deploy dev-aws"),
      at("gh workflow run deploy.yml --repo acme-ml/mlops-suite --ref main -f environment=dev -f stacks=dev-aws"),
    ];
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // Every secret the stack leaves without a value gets one; MLflow's login gets the JSON MLflow reads, with the password
    // the migration reads back from it.
    const expected = secretsWithoutValue("aws", synthesizedStack(devEnvironment(), "aws", ROOT)).map((s) =>
      s.name === "mlops/dev/mlflow-db-login"
        ? `aws secretsmanager put-secret-value --region eu-central-1 --secret-id ${s.name} --secret-string {"username":"mlflow_app","password":"stub-random"}`
        : `aws secretsmanager put-secret-value --region eu-central-1 --secret-id ${s.name} --secret-string stub-random`,
    );
    expect(expected).toContain(`aws secretsmanager put-secret-value --region eu-central-1 --secret-id mlops/dev/mlflow-db-login --secret-string {"username":"mlflow_app","password":"stub-random"}`);
    expect(calls.filter((c) => c.startsWith("aws secretsmanager put-secret-value"))).toEqual(expected);
    expect(calls.filter((c) => c.startsWith("npx tsx scripts/database-migrate.ts "))).toEqual([
      "npx tsx scripts/database-migrate.ts --emit-sql --admin-user mlflow --database mlflow --role mlflow_app --login password",
    ]);
    // The task runs in the stack's private subnets and security group, without a public IP, with the SQL (base64) as its override.
    const sql = Buffer.from("x".repeat(64)).toString("base64");
    expect(calls.filter((c) => c.startsWith("aws ecs run-task "))).toEqual([
      "aws ecs run-task --region eu-central-1 --cluster stub-database_migration_cluster --task-definition stub-database_migration_job --launch-type FARGATE --count 1 " +
        "--network-configuration awsvpcConfiguration={subnets=[stub-database_migration_subnets],securityGroups=[stub-database_migration_security_group],assignPublicIp=DISABLED} " +
        `--overrides {"containerOverrides":[{"name":"migrate","environment":[{"name":"MIGRATION_SQL_BASE64","value":"${sql}"}]}]} --query tasks[0].taskArn --output text`,
    ]);
    // The override is gone once the state has moved; the printed commands were echoed as they ran.
    expect(fs.existsSync(path.join(box.root, "cdktf.out", "stacks", "dev-aws-state", BOOTSTRAP_OVERRIDE_FILE))).toBe(false);
    expect(out.join("")).toContain("$ terraform -chdir=cdktf.out/stacks/dev-aws-state apply\n");
  });

  test("GIVEN the migration task exits 3 WHEN the step waits for it THEN the run stops there, naming the exit code and the log stream, before the full apply", () => {
    const box = sandbox(undefined, { DAY0_EXIT_CODE: "3" });
    const err: string[] = [];
    expect(execute(steps(), { cwd: box.root, env: box.env, out: () => undefined, err: (t) => err.push(t) })).toBe(1);
    expect(err.join("")).toMatch(/day0: step \d+ \(Create MLflow's database role \(mlflow_app\)/);
    expect(box.calls().some((c) => c.startsWith("npx cdktf deploy"))).toBe(false);
    // What bash printed (execute passes the terminal through): the step's command on its own, output captured.
    const r = runRoleStep(box);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("day0: the migration task 0123abcd ended with exit code 3");
    expect(r.stderr).toContain("CloudWatch Logs /mlops/dev/db-migrate, stream db-migrate/migrate/0123abcd");
  });

  test("GIVEN SQL whose overrides exceed RunTask's 8 KiB WHEN the step runs THEN it fails with the size and starts no task", () => {
    const box = sandbox(undefined, { DAY0_SQL_BYTES: "6200" });
    const r = runRoleStep(box);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/day0: the migration's overrides are 8\d{3} bytes, over RunTask's 8192/);
    expect(box.calls().some((c) => c.startsWith("aws ecs run-task") || c.startsWith("npx cdktf deploy"))).toBe(false);
  });

  test("GIVEN openssl fails WHEN the secrets step runs THEN no empty value is written and the run stops", () => {
    const box = sandbox("openssl rand");
    expect(execute(stepsWithSecret(), { cwd: box.root, env: box.env, out: () => undefined, err: () => undefined })).toBe(1);
    expect(box.calls().some((c) => c.startsWith("aws secretsmanager"))).toBe(false);
  });

  test("GIVEN the state stack's apply fails WHEN run THEN it stops there with exit 1, naming the step, and never migrates or deploys", () => {
    const box = sandbox("dev-aws-state apply");
    const err: string[] = [];
    expect(execute(steps(), { cwd: box.root, env: box.env, out: () => undefined, err: (t) => err.push(t) })).toBe(1);
    expect(err.join("")).toContain("day0: step 3 (Create the state storage (dev-aws-state), then move its own state into it) failed: terraform -chdir=cdktf.out/stacks/dev-aws-state apply");
    const calls = box.calls();
    expect(calls[calls.length - 1]).toBe("terraform -chdir=cdktf.out/stacks/dev-aws-state apply [override]");
    expect(calls.some((c) => c.includes("-migrate-state") || c.startsWith("npx cdktf deploy"))).toBe(false);
  });
});
