/**
 * The Google migration job on the synthesized dev stack: a Cloud Run job with Direct VPC egress into the
 * platform's subnet and the Cloud SQL Auth Proxy as a sidecar (the instance takes connectors only), the
 * built-in postgres user's password from Secret Manager, an account that may read that secret and connect
 * to that instance, and nobody granted to run it.
 */
import { MIGRATION_CLIENT_IMAGE, migrationCommand } from "../../../modules/core/database-migration";
import { closureOf, databaseTargets, migrationAdminSecret } from "../../../scripts/day0-foundation";
import { StackJson, synthProject } from "../../support/synth";

type Body = Record<string, unknown>;

const json: StackJson = synthProject({ select: "dev", clouds: ["gcp"] }).json("dev-gcp");
const of = (type: string) => Object.entries(json.resource?.[type] ?? {}) as [string, Body][];
const one = (type: string, name: RegExp): [string, Body] => {
  const found = of(type).filter(([n]) => name.test(n));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.map(([n]) => n).join(", ") || "none"}`);
  return found[0];
};
const [jobName, job] = one("google_cloud_run_v2_job", /^db-migrate_/);
const [accountName] = one("google_service_account", /^db-migrate_/);
const [secretName, secret] = one("google_secret_manager_secret", /^secrets_mlflow-db-admin_/);
const [instanceName] = one("google_sql_database_instance", /^database_/);
const [subnetName] = one("google_compute_subnetwork", /./);
const task = (job.template as { template: Body }).template;
const [migrate, proxy] = task.containers as Body[];
const member = `serviceAccount:\${google_service_account.${accountName}.email}`;

describe("Google database migration job", () => {
  test("GIVEN the job WHEN read THEN it runs once in the platform's subnet (Direct VPC egress, private ranges) as its own account", () => {
    expect(job).toMatchObject({ name: "mlops-dev-db-migrate", deletion_protection: false });
    expect(task).toMatchObject({
      service_account: `\${google_service_account.${accountName}.email}`,
      max_retries: 0,
      vpc_access: { network_interfaces: [{ subnetwork: `\${google_compute_subnetwork.${subnetName}.id}` }], egress: "PRIVATE_RANGES_ONLY" },
    });
    expect((task.vpc_access as Body).connector).toBeUndefined();
  });

  test("GIVEN its containers WHEN read THEN psql starts after the Auth Proxy (private IP, built-in login) and stops it when done", () => {
    expect(migrate).toMatchObject({ name: "migrate", image: MIGRATION_CLIENT_IMAGE, depends_on: ["cloud-sql-proxy"] });
    const command = migrate.command as string[];
    expect(command.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
    expect(command[2].startsWith(migrationCommand()[2])).toBe(true);
    expect(command[2]).toMatch(/quitquitquit .*; exit \$status$/);
    expect(command.join(" ")).not.toMatch(/\$\{|%\{|\$\(/); // Terraform templates; Cloud Run expands $(VAR) in commands
    expect(migrate.env).toEqual(
      expect.arrayContaining([
        { name: "PGHOST", value: "127.0.0.1" },
        { name: "PGUSER", value: "postgres" },
        { name: "PGPASSWORD", value_source: { secret_key_ref: { secret: `\${google_secret_manager_secret.${secretName}.id}`, version: "latest" } } },
      ]),
    );
    expect(proxy).toMatchObject({ name: "cloud-sql-proxy", startup_probe: { http_get: { path: "/startup", port: 9090 } } });
    expect(proxy.args).toEqual(expect.arrayContaining(["--private-ip", "--quitquitquit", `\${google_sql_database_instance.${instanceName}.connection_name}`]));
    expect(proxy.args).not.toContain("--auto-iam-authn");
  });

  test("GIVEN the admin secret WHEN read THEN Terraform writes its first value (write-only) and day 0 reads the same secret the job mounts", () => {
    expect(secret.secret_id).toBe("mlops-dev-mlflow-db-admin");
    expect(of("google_secret_manager_secret_version").some(([, v]) => String(v.secret).includes(secretName))).toBe(true);
    expect(migrationAdminSecret(json)).toBe("mlops-dev-mlflow-db-admin");
  });

  test("GIVEN the job's account WHEN its grants are listed THEN it reads the admin secret and connects to this instance only", () => {
    const grants = [...of("google_project_iam_member"), ...of("google_secret_manager_secret_iam_member"), ...of("google_storage_bucket_iam_member"), ...of("google_artifact_registry_repository_iam_member")]
      .filter(([, g]) => g.member === member)
      .map(([, g]) => ({ role: g.role, on: g.secret_id ?? (g.condition as Body | undefined)?.expression }));
    expect(grants).toEqual(
      expect.arrayContaining([
        { role: "roles/secretmanager.secretAccessor", on: `\${google_secret_manager_secret.${secretName}.id}` },
        { role: "roles/cloudsql.client", on: 'resource.name == "projects/mlops-dev-1234/instances/mlops-dev-mlflow" && resource.service == "sqladmin.googleapis.com"' },
      ]),
    );
    expect(grants).toHaveLength(2);
    // Nobody is granted run.jobs.run on it: only the project's owners (the builder, the operator) start it.
    const byType = (prefix: string) => Object.entries(json.resource ?? {}).filter(([t]) => t.startsWith(prefix)).flatMap(([, byName]) => Object.values(byName));
    expect(byType("google_cloud_run_v2_job_iam").filter((g) => String(g.name).includes(jobName))).toEqual([]);
    // ... nor project-wide (a project-level Cloud Run role would cover every job, this one included).
    expect(byType("google_project_iam").filter((g) => /^roles\/run\.(admin|developer|invoker|jobsExecutor)/.test(String(g.role)))).toEqual([]);
  });

  test("GIVEN day 0's database apply WHEN it targets the job THEN its grants, the secret's value and the network come with it, and no workload", () => {
    const applied = closureOf(json, databaseTargets("gcp", json));
    expect(applied.has(`google_cloud_run_v2_job.${jobName}`)).toBe(true);
    for (const needed of [/^google_secret_manager_secret_version\.secrets_mlflow-db-admin/, /^google_secret_manager_secret_iam_member\.db-migrate_/, /^google_project_iam_member\.db-migrate_client/, /^google_service_networking_connection\./]) {
      expect([...applied].some((a) => needed.test(a))).toBe(true);
    }
    expect([...applied].filter((a) => a.startsWith("google_cloud_run_v2_service.") || (a.startsWith("google_cloud_run_v2_job.") && a !== `google_cloud_run_v2_job.${jobName}`))).toEqual([]);
  });
});
