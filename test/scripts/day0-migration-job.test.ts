/**
 * The day-0 migration step of Azure and Google Cloud run as `npm run day0` runs it (bash, errexit, pipefail),
 * with the cloud CLIs, terraform and npx as stubs on PATH (jq, base64 and tr are the real ones): what reaches
 * the job is the SQL database-migrate.ts printed, whole, added to the job's own container definition.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { synthesizedStack } from "../../scripts/day0";
import { StackJson } from "../../scripts/day0-foundation";
import { Day0Step, day0Steps } from "../../scripts/day0-steps";
import { loadEnvironments } from "../../environments";
import { resolveServices } from "../../services/resolve";
import { SERVICE_CATALOG } from "../../services/catalog";
import { ROOT } from "../support/synth";

const HAS_JQ = spawnSync("jq", ["--version"]).status === 0;

/** The SQL the stubbed database-migrate.ts prints: what the env-var transport must keep (quotes, commas, `$`, newlines). */
const SQL = `\\connect postgres\nBEGIN;\nALTER ROLE "mlflow_app" PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a,b:c';\nDO $$ BEGIN RAISE NOTICE 'it''s'; END $$;\nCOMMIT;\n`;

const STUB = `#!/bin/bash
name=$(basename "$0")
echo "$name $*" >> "$DAY0_LOG"
if [ "$name" = npx ]; then printf '%s' "\${MLFLOW_DB_PASSWORD:-}" > "$DAY0_ROLE_PASSWORD"; printf '%s' "$DAY0_SQL"; exit 0; fi
if [ "$name" = terraform ] && [ "$2" = output ]; then echo "stub-$4"; exit 0; fi
if [ "$name" = az ]; then
  case "$1 $2 $3" in
    "keyvault secret show") echo role-password-from-key-vault; exit 0 ;;
    "containerapp job show")
      for a in "$@"; do if [ "$a" = id ]; then echo /subscriptions/s/resourceGroups/rg/providers/Microsoft.App/jobs/mlops-dev-db-migrate; exit 0; fi; done
      cat "$DAY0_TEMPLATE"; exit 0 ;;
    "containerapp job execution") echo "\${DAY0_STATUS:-Succeeded}"; exit 0 ;;
  esac
  if [ "$1" = rest ]; then
    while [ $# -gt 0 ]; do if [ "$1" = --body ]; then printf '%s' "$2" > "$DAY0_BODY"; fi; shift; done
    echo mlops-dev-db-migrate-abc12; exit 0
  fi
fi
if [ "$name" = gcloud ]; then
  if [ "$1 $2" = "secrets versions" ]; then echo admin-password-from-secret-manager; exit 0; fi
  if [ "$1 $2 $3" = "run jobs execute" ]; then
    for a in "$@"; do case "$a" in MIGRATION_SQL_BASE64=*) printf '%s' "\${a#MIGRATION_SQL_BASE64=}" > "$DAY0_BODY";; esac; done
    exit "\${DAY0_GCLOUD_EXIT:-0}"
  fi
fi
if [ "$name" = sleep ]; then exit 0; fi
exit 0
`;

function sandbox(extra: Record<string, string> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "day0-job-"));
  const bin = path.join(root, ".stubs");
  fs.mkdirSync(bin);
  for (const tool of ["az", "gcloud", "terraform", "npx", "sleep"]) fs.writeFileSync(path.join(bin, tool), STUB, { mode: 0o755 });
  const files = { log: path.join(root, "calls.log"), body: path.join(root, "body"), template: path.join(root, "template.json"), rolePassword: path.join(root, "role-password") };
  const { MLFLOW_DB_PASSWORD: _unset, ...inherited } = process.env;
  const env = { ...inherited, PATH: `${bin}:${process.env.PATH}`, DAY0_LOG: files.log, DAY0_BODY: files.body, DAY0_TEMPLATE: files.template, DAY0_ROLE_PASSWORD: files.rolePassword, DAY0_SQL: SQL, ...extra };
  return { root, env, files, calls: () => fs.readFileSync(files.log, "utf8").trim().split("\n") };
}

function run(step: Day0Step, box: ReturnType<typeof sandbox>): { status: number | null; stderr: string } {
  let stderr = "";
  for (const command of step.commands) {
    const r = spawnSync("bash", ["-euo", "pipefail", "-c", command], { cwd: box.root, env: box.env, encoding: "utf8" });
    stderr += r.stderr;
    if (r.status !== 0) return { status: r.status, stderr };
  }
  return { status: 0, stderr };
}

function roleStep(cloud: "azure" | "gcp", edit: (json: StackJson) => StackJson = (j) => j): { step: Day0Step; stack: StackJson } {
  const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
  const { services } = resolveServices(dev.config, SERVICE_CATALOG, {}, dev.file);
  const stack = edit(synthesizedStack(dev, cloud, ROOT));
  const step = day0Steps(dev.config, cloud, { services, file: dev.file, stack }).find((s) => s.title.startsWith("Create MLflow's database role"))!;
  return { step, stack };
}

const describeJq = HAS_JQ ? describe : describe.skip;
if (!HAS_JQ) console.warn("day0 Azure migration step tests skipped: no jq on PATH (apt-get install jq)");

describeJq("Azure: the migration job started with the SQL", () => {
  const { step, stack } = roleStep("azure");
  /** The job's template as `az containerapp job show --query properties.template` returns it (ARM shape). */
  const template = () => {
    const [job] = Object.values(stack.resource?.azurerm_container_app_job ?? {}).filter((b) => String(b.name).endsWith("db-migrate"));
    const [c] = (job.template as { container: Record<string, unknown>[] }).container;
    const env = (c.env as { name: string; value?: string; secret_name?: string }[]).map((e) => (e.secret_name ? { name: e.name, secretRef: e.secret_name } : { name: e.name, value: e.value }));
    return { containers: [{ name: c.name, image: c.image, command: c.command, env, resources: { cpu: c.cpu, memory: c.memory, ephemeralStorage: "1Gi" }, probes: [] }], initContainers: null, volumes: [] };
  };

  test("GIVEN an own role WHEN the step runs THEN the start body is the job's container with the SQL added, and the execution is polled to Succeeded", () => {
    expect(step.commands.length).toBeGreaterThan(0);
    const box = sandbox();
    fs.writeFileSync(box.files.template, JSON.stringify(template()));
    expect(run(step, box)).toEqual({ status: 0, stderr: "" });
    const body = JSON.parse(fs.readFileSync(box.files.body, "utf8")) as { containers: Record<string, unknown>[] };
    const original = template().containers[0];
    expect(body.containers).toHaveLength(1);
    const [c] = body.containers;
    // Only what JobExecutionContainer has (image, name, command, args, env, resources), the definition's values kept.
    expect(Object.keys(c).sort()).toEqual(["command", "env", "image", "name", "resources"]);
    expect(c).toMatchObject({ name: "migrate", image: original.image, command: original.command, resources: original.resources });
    const env = c.env as { name: string; value?: string; secretRef?: string }[];
    expect(env.slice(0, -1)).toEqual(original.env);
    expect(env).toContainEqual({ name: "PGPASSWORD", secretRef: "admin-password" });
    const sql = env.find((e) => e.name === "MIGRATION_SQL_BASE64")!.value!;
    expect(Buffer.from(sql, "base64").toString("utf8")).toBe(SQL);
    // The SQL was built with the role's password read from Key Vault (the one MLflow reads), not from the caller.
    expect(fs.readFileSync(box.files.rolePassword, "utf8")).toBe("role-password-from-key-vault");
    expect(box.calls()).toContainEqual(expect.stringMatching(/^az keyvault secret show --vault-name mlops-dev-kv-[0-9a-f]+ --name mlflow-db-role-password --query value --output tsv$/));
    const calls = box.calls();
    expect(calls).toContainEqual(expect.stringMatching(/^az rest --method post --url https:\/\/management\.azure\.com\/subscriptions\/s\/resourceGroups\/rg\/providers\/Microsoft\.App\/jobs\/mlops-dev-db-migrate\/start\?api-version=2024-03-01 --body /));
    expect(calls).toContainEqual("az containerapp job execution show --name stub-database_migration_job --resource-group stub-resource_group --job-execution-name mlops-dev-db-migrate-abc12 --query properties.status --output tsv");
  });

  test("GIVEN the execution fails WHEN polled THEN the step fails naming the execution and where its log is", () => {
    const box = sandbox({ DAY0_STATUS: "Failed" });
    fs.writeFileSync(box.files.template, JSON.stringify(template()));
    const r = run(step, box);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("day0: migration execution mlops-dev-db-migrate-abc12 is Failed; its output: Log Analytics, ContainerAppConsoleLogs");
    expect(r.stderr).toContain("az containerapp job logs show --name stub-database_migration_job --resource-group stub-resource_group --execution mlops-dev-db-migrate-abc12 --container migrate");
  });
});

describe("Google Cloud: the migration job executed with the SQL", () => {
  const { step } = roleStep("gcp");

  test("GIVEN the step WHEN run THEN postgres gets the secret's password, and the job gets the SQL whole (commas, quotes, `$`) in the migrate container's override", () => {
    const box = sandbox();
    expect(run(step, box)).toEqual({ status: 0, stderr: "" });
    const calls = box.calls();
    expect(calls).toContain("gcloud secrets versions access latest --secret mlops-dev-mlflow-db-admin --project mlops-dev-1234");
    expect(calls).toContain("gcloud sql users set-password postgres --instance mlops-dev-mlflow --password admin-password-from-secret-manager --project mlops-dev-1234");
    const sql = fs.readFileSync(box.files.body, "utf8");
    expect(sql).not.toContain(","); // gcloud splits --update-env-vars on commas
    expect(Buffer.from(sql, "base64").toString("utf8")).toBe(SQL);
    expect(calls).toContainEqual(expect.stringMatching(/^gcloud run jobs execute stub-database_migration_job --region europe-west3 --project mlops-dev-1234 --wait --container migrate --update-env-vars MIGRATION_SQL_BASE64=/));
  });

  test("GIVEN the execution fails WHEN --wait returns THEN the step fails and says how to read the job's log", () => {
    const box = sandbox({ DAY0_GCLOUD_EXIT: "1" });
    const r = run(step, box);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`day0: the migration job failed; its output: gcloud logging read 'resource.type="cloud_run_job" AND resource.labels.job_name="stub-database_migration_job"' --project mlops-dev-1234`);
  });
});
