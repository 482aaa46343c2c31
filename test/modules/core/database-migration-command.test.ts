/**
 * The migration job's command (modules/core/database-migration.ts), run here exactly as the container runs it
 * (`/bin/sh -c`, libpq's PG* variables) against a throwaway PostgreSQL on loopback, with the SQL that
 * `scripts/database-migrate.ts --emit-sql` prints, carried the way the day-0 step carries it (base64 on one line
 * in an environment variable): quotes, newlines, `$` and commas arrive unchanged.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { MIGRATION_SQL_VARIABLE, migrationCommand } from "../../../modules/core/database-migration";
import { ROOT } from "../../support/stack-json";
import { ADMIN, ADMIN_PASSWORD, LocalPostgres, POSTGRES_MISSING, startLocalPostgres } from "../../support/postgres";

const ROLE_PASSWORD = "role-password-$with/odd+chars=0123";
/** tsx itself, not through npx: npx starts npm first (half a second of CPU per call). */
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

if (POSTGRES_MISSING) console.warn(`database migration command tests skipped: ${POSTGRES_MISSING}`);
const describePg = POSTGRES_MISSING ? describe.skip : describe;

describePg("the migration job's command against a local PostgreSQL", () => {
  let pg: LocalPostgres | undefined;
  let port = 0;
  /** What the job's environment holds: connection settings, the admin password (from the secret store), the SQL. */
  const jobEnv = (sqlBase64: string | undefined): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    PGHOST: "127.0.0.1",
    PGPORT: String(port),
    PGUSER: ADMIN,
    PGDATABASE: "postgres",
    PGSSLMODE: "disable",
    PGPASSWORD: ADMIN_PASSWORD,
    ...(sqlBase64 === undefined ? {} : { [MIGRATION_SQL_VARIABLE]: sqlBase64 }),
  });
  const runJob = (sqlBase64: string | undefined, afterwards?: string) => {
    const [cmd, ...args] = migrationCommand(afterwards);
    return spawnSync(cmd, args, { env: jobEnv(sqlBase64), encoding: "utf8" });
  };
  const query = (user: string, password: string, db: string, sql: string) => pg!.psql(user, password, db, sql);
  /** The day-0 step's own pipeline: database-migrate.ts --emit-sql, base64, one line. */
  const emitted = (role: string) => {
    const r = spawnSync(
      "bash",
      ["-euo", "pipefail", "-c", `"$TSX" scripts/database-migrate.ts --emit-sql --admin-user ${ADMIN} --database mlflow --role ${role} --login password | base64 | tr -d '\\n'`],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, TSX, MLFLOW_DB_PASSWORD: ROLE_PASSWORD } },
    );
    if (r.status !== 0) throw new Error(`--emit-sql failed: ${r.stderr}`);
    return r.stdout;
  };

  beforeAll(async () => {
    pg = await startLocalPostgres({ databases: ["mlflow"] });
    port = pg.port;
  }, 60000);

  afterAll(() => pg?.stop());

  test("GIVEN the SQL database-migrate.ts emits WHEN the job runs it THEN the role logs in with its password, in its own schema, on both databases", () => {
    const sql = emitted("mlflow_app");
    // gcloud --update-env-vars splits on commas, the ECS and Container Apps bodies are JSON: base64 has neither problem.
    expect(sql).toMatch(/^[A-Za-z0-9+/=]+$/);
    const r = runJob(sql);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    // The verifier (its `$` separators, `/`, `+`, `=`) arrived whole: the password works.
    expect(query("mlflow_app", ROLE_PASSWORD, "mlflow", "SHOW search_path").out).toBe("mlflow");
    expect(query(ADMIN, ADMIN_PASSWORD, "mlflow", "SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'mlflow'").out).toBe("mlflow_app");
    // Run again (the same day-0 SQL): idempotent.
    expect(runJob(sql).status).toBe(0);
  }, 60000);

  test("GIVEN SQL with quotes, newlines, dollar quoting, commas and backslashes WHEN carried and run THEN the database stores exactly that text", () => {
    const text = "it's \"quoted\", $HOME $(date) `x` \\n\\\\ back\\slash\nsecond line, with commas\n\ttab";
    const script = `\\connect mlflow\nBEGIN;\nCREATE TABLE IF NOT EXISTS transport (t text);\nTRUNCATE transport;\nINSERT INTO transport VALUES ($body$${text}$body$);\nINSERT INTO transport VALUES ('${text.replace(/'/g, "''")}');\nCOMMIT;\n`;
    const r = runJob(Buffer.from(script, "utf8").toString("base64"));
    expect(r.status).toBe(0);
    const stored = pg!.psql(ADMIN, ADMIN_PASSWORD, "mlflow", "SELECT t FROM transport", ["-R", "\u0001"]).out;
    expect(stored.replace(/\n$/, "").split("\u0001")).toEqual([text, text]);
  });

  test("GIVEN a failing statement in the second database's part WHEN the job runs THEN it exits non-zero and that part's earlier statements are rolled back", () => {
    const script = "\\connect postgres\nBEGIN;\nSELECT 1;\nCOMMIT;\n\\connect mlflow\nBEGIN;\nCREATE TABLE half_done (id int);\nSELECT 1/0;\nCOMMIT;\n";
    const r = runJob(Buffer.from(script).toString("base64"));
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/division by zero/);
    expect(query(ADMIN, ADMIN_PASSWORD, "mlflow", "SELECT to_regclass('half_done') IS NULL").out).toBe("t");
  });

  test("GIVEN a command to run afterwards (the Google job stops its proxy) WHEN psql fails THEN it runs and the job still fails with psql's status", () => {
    const r = runJob(Buffer.from("SELECT 1/0;\n").toString("base64"), "echo proxy-stopped >&2");
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("proxy-stopped");
  });

  test("GIVEN no SQL WHEN the job is started without the day-0 step THEN it fails at once, naming the variable", () => {
    const r = runJob(undefined);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${MIGRATION_SQL_VARIABLE}`);
  });
});

describe("database-migrate.ts --emit-sql", () => {
  const emit = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(TSX, ["scripts/database-migrate.ts", "--emit-sql", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env } });

  test("GIVEN password mode WHEN emitted THEN each database's part is one transaction after its \\connect, and the password is there only as a SCRAM verifier", () => {
    const r = emit(["--admin-user", "mlflow", "--database", "mlflow", "--role", "mlflow_app", "--login", "password"], { MLFLOW_DB_PASSWORD: ROLE_PASSWORD });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\\connect postgres\nBEGIN;\n[\s\S]*COMMIT;\n\\connect mlflow\nBEGIN;\n[\s\S]*COMMIT;\n$/);
    expect(r.stdout).toMatch(/PASSWORD 'SCRAM-SHA-256\$4096:/);
    expect(r.stdout).not.toContain(ROLE_PASSWORD);
  });

  test("GIVEN bad input WHEN emitted THEN exit 2 with the option named, and nothing on stdout", () => {
    const r = emit(["--admin-user", "mlflow", "--database", "mlflow", "--role", "mlflow_app", "--login", "password"], { MLFLOW_DB_PASSWORD: "short" });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/MLFLOW_DB_PASSWORD: expected at least 16 printable ASCII characters/);
  });
});
