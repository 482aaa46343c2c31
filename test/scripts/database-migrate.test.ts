/**
 * The day-0 database step against a real PostgreSQL: a throwaway cluster on loopback (initdb + pg_ctl
 * from Debian's postgresql: test/support/postgres.ts), started once per suite.
 */
import { spawnSync } from "child_process";
import { MigrateOptions, clusterSql, databaseSql, migrate, migrationScript, parseOptions, quoteIdent, quoteLiteral, scramVerifier } from "../../scripts/database-migrate";
import { ADMIN, ADMIN_PASSWORD, HAS_PGAUDIT, LocalPostgres, POSTGRES_MISSING, startLocalPostgres } from "../support/postgres";

const PASSWORD = "mlflow-password-0123456789";

if (POSTGRES_MISSING) console.warn(`database-migrate tests skipped: ${POSTGRES_MISSING}`);
const describePg = POSTGRES_MISSING ? describe.skip : describe;
if (!POSTGRES_MISSING && !HAS_PGAUDIT) console.warn("database-migrate pgaudit test skipped: pgaudit is not installed (apt-get install postgresql-15-pgaudit, as .ci/python-test-deps does)");
const testPgaudit = HAS_PGAUDIT ? test : test.skip;
/** A password with every character a shell, SQL or JSON quoting could trip on. */
const NASTY_PASSWORD = `a'b"c\\d$e$$f\`g-0123456789`;

describePg("database-migrate against a local PostgreSQL", () => {
  let pg: LocalPostgres | undefined;
  let port = 0;
  const env = () => ({ ...process.env, PGPASSWORD: ADMIN_PASSWORD });
  const opts = (over: Partial<MigrateOptions> = {}): MigrateOptions => ({
    host: "127.0.0.1",
    port,
    adminUser: ADMIN,
    adminDatabase: "postgres",
    database: "mlflow",
    role: "mlflow",
    login: "password",
    sslmode: "disable",
    connectionLimit: 20,
    passwordVerifier: scramVerifier(PASSWORD),
    ...over,
  });
  const psql = (user: string, password: string, db: string, sql: string) => pg!.psql(user, password, db, sql);
  const admin = (sql: string, db = "postgres") => psql(ADMIN, ADMIN_PASSWORD, db, sql);

  beforeAll(async () => {
    pg = await startLocalPostgres({ databases: ["mlflow", "airflow"], preload: HAS_PGAUDIT ? ["pgaudit"] : [] });
    port = pg.port;
  }, 60000);

  afterAll(() => pg?.stop());

  test("GIVEN password mode WHEN migrated THEN MLflow logs in, works in its own schema only, and is a plain login", () => {
    expect(migrate(opts(), env())).toEqual({ ok: true, message: expect.stringContaining("role mlflow (password) has CONNECT on mlflow") });
    expect(psql("mlflow", PASSWORD, "mlflow", "SHOW search_path").out).toBe("mlflow");
    expect(psql("mlflow", PASSWORD, "mlflow", "CREATE TABLE experiments (id int); SELECT schemaname FROM pg_tables WHERE tablename = 'experiments'").out).toBe("mlflow");
    expect(psql("mlflow", PASSWORD, "mlflow", "CREATE TABLE public.x (id int)").err).toMatch(/permission denied for schema public/);
    expect(psql("mlflow", PASSWORD, "mlflow", "CREATE DATABASE other").err).toMatch(/permission denied to create database/);
    expect(psql("mlflow", PASSWORD, "mlflow", "CREATE ROLE other").err).toMatch(/permission denied to create role/);
    expect(admin("SELECT rolsuper, rolcreatedb, rolcreaterole, rolconnlimit FROM pg_roles WHERE rolname = 'mlflow'").out).toBe("f|f|f|20");
  });

  test("GIVEN the step ran already WHEN it runs again THEN nothing fails and MLflow's tables stay; a new password replaces the old", () => {
    expect(migrate(opts(), env()).ok).toBe(true);
    expect(psql("mlflow", PASSWORD, "mlflow", "SELECT count(*) FROM experiments").out).toBe("0");
    const rotated = "rotated-password-9876543210";
    expect(migrate(opts({ passwordVerifier: scramVerifier(rotated) }), env()).ok).toBe(true);
    expect(psql("mlflow", PASSWORD, "mlflow", "SELECT 1").err).toMatch(/password authentication failed/);
    expect(psql("mlflow", rotated, "mlflow", "SELECT 1").out).toBe("1");
    expect(migrate(opts(), env()).ok).toBe(true);
  });

  test("GIVEN another login role WHEN it connects to MLflow's database THEN it is refused (PUBLIC has no CONNECT)", () => {
    expect(admin("CREATE ROLE intruder LOGIN PASSWORD 'intruder-password-123'").ok).toBe(true);
    expect(psql("intruder", "intruder-password-123", "mlflow", "SELECT 1").err).toMatch(/permission denied for database "mlflow"/);
  });

  test("GIVEN rds-iam mode WHEN migrated THEN the role is a member of rds_iam and has no password", () => {
    expect(admin("CREATE ROLE rds_iam NOLOGIN").ok).toBe(true);
    expect(migrate(opts({ role: "mlflow_iam", login: "rds-iam", passwordVerifier: undefined }), env()).ok).toBe(true);
    expect(admin("SELECT pg_has_role('mlflow_iam', 'rds_iam', 'MEMBER'), rolpassword IS NULL FROM pg_authid WHERE rolname = 'mlflow_iam'").out).toBe("t|t");
  });

  test("GIVEN existing mode and no such role THEN it fails naming the Cloud SQL IAM user, and creates nothing", () => {
    const r = migrate(opts({ role: "mlflow-sa@proj.iam", login: "existing", passwordVerifier: undefined }), env());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/role mlflow-sa@proj.iam does not exist: create the Cloud SQL IAM user first/);
    expect(admin("SELECT count(*) FROM pg_roles WHERE rolname = 'mlflow-sa@proj.iam'").out).toBe("0");
  });

  test("GIVEN existing mode and the IAM user present THEN only grants are made", () => {
    expect(admin(`CREATE ROLE ${quoteIdent("mlflow-sa@proj.iam")} LOGIN`).ok).toBe(true);
    expect(migrate(opts({ role: "mlflow-sa@proj.iam", login: "existing", passwordVerifier: undefined }), env()).ok).toBe(true);
    expect(admin("SELECT has_database_privilege('mlflow-sa@proj.iam', 'mlflow', 'CONNECT')").out).toBe("t");
  });

  test("GIVEN the role was made superuser by hand THEN the step refuses and changes nothing", () => {
    expect(admin("CREATE ROLE tampered LOGIN SUPERUSER").ok).toBe(true);
    const r = migrate(opts({ role: "tampered" }), env());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/role tampered is superuser, replication or bypassrls; the application needs a plain login/);
    expect(admin("SELECT has_database_privilege('tampered', 'mlflow', 'CONNECT') AND NOT has_database_privilege('intruder', 'mlflow', 'CONNECT')").out).toBe("t");
    expect(admin("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'tampered'").out).toBe("-1");
  });

  test("GIVEN Airflow's login from the command line (own database, schema airflow, a password full of quotes) WHEN migrated twice THEN it logs in, owns its schema only, and is a plain login", () => {
    const argv = ["--host", "127.0.0.1", "--port", String(port), "--admin-user", ADMIN, "--database", "airflow", "--role", "airflow", "--schema", "airflow", "--login", "password", "--password-env", "AIRFLOW_DB_PASSWORD", "--sslmode", "disable"];
    const o = parseOptions(argv, { AIRFLOW_DB_PASSWORD: NASTY_PASSWORD, MLFLOW_DB_PASSWORD: "not-this-one-0123456789" });
    expect(migrate(o, env())).toEqual({ ok: true, message: expect.stringContaining("role airflow (password) has CONNECT on airflow and owns schema airflow") });
    const airflow = (sql: string, db = "airflow") => psql("airflow", NASTY_PASSWORD, db, sql);
    expect(airflow("SHOW search_path").out).toBe("airflow");
    // What `airflow db migrate` does: unqualified tables, an alembic version table, a sequence.
    expect(airflow("CREATE TABLE alembic_version (version_num varchar(32)); CREATE TABLE dag (id serial primary key); SELECT string_agg(schemaname, ',' ORDER BY tablename) FROM pg_tables WHERE tableowner = 'airflow'").out).toBe("airflow,airflow");
    expect(airflow("CREATE TABLE public.x (id int)").err).toMatch(/permission denied for schema public/);
    expect(airflow("SELECT 1", "mlflow").err).toMatch(/permission denied for database "mlflow"/);
    expect(psql("mlflow", PASSWORD, "airflow", "SELECT 1").err).toMatch(/permission denied for database "airflow"/);
    expect(admin("SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = 'airflow'").out).toBe("f|f|f|f|f");
    // Rerun: nothing fails, the tables stay, the password still works.
    expect(migrate(parseOptions(argv, { AIRFLOW_DB_PASSWORD: NASTY_PASSWORD }), env()).ok).toBe(true);
    expect(airflow("SELECT count(*) FROM dag").out).toBe("0");
    expect(psql("airflow", "wrong-password-0123456789", "airflow", "SELECT 1").err).toMatch(/password authentication failed/);
  });

  test("GIVEN two roles in one database, each with its own schema WHEN each reads the other's table THEN it is refused", () => {
    expect(migrate(opts({ role: "neighbour", schema: "neighbour", passwordVerifier: scramVerifier(NASTY_PASSWORD) }), env()).ok).toBe(true);
    const neighbour = (sql: string) => psql("neighbour", NASTY_PASSWORD, "mlflow", sql);
    expect(neighbour("CREATE TABLE secrets (v text); INSERT INTO secrets VALUES ('x'); SELECT schemaname FROM pg_tables WHERE tablename = 'secrets'").out).toBe("neighbour");
    expect(neighbour("SELECT * FROM mlflow.experiments").err).toMatch(/permission denied for schema mlflow/);
    expect(psql("mlflow", PASSWORD, "mlflow", "SELECT * FROM neighbour.secrets").err).toMatch(/permission denied for schema neighbour/);
    // MLflow's own tables and search_path are untouched by the neighbour's migration.
    expect(psql("mlflow", PASSWORD, "mlflow", "SHOW search_path").out).toBe("mlflow");
  });

  test("GIVEN an admin that is no superuser, only CREATEROLE and the database's owner (RDS's master, Azure's admin) WHEN migrated twice THEN the role gets its schema", () => {
    expect(admin("CREATE ROLE cloudadmin LOGIN CREATEROLE PASSWORD 'cloudadmin-password-123'").ok).toBe(true);
    expect(admin("CREATE DATABASE appdb OWNER cloudadmin").ok).toBe(true);
    const e = { ...process.env, PGPASSWORD: "cloudadmin-password-123" };
    const o = opts({ adminUser: "cloudadmin", database: "appdb", role: "app_user", schema: "app" });
    expect(migrate(o, e)).toEqual({ ok: true, message: expect.stringContaining("role app_user (password) has CONNECT on appdb and owns schema app") });
    expect(migrate(o, e).ok).toBe(true);
    expect(psql("app_user", PASSWORD, "appdb", "CREATE TABLE t (id int); SELECT schemaname FROM pg_tables WHERE tablename = 't'").out).toBe("app");
    expect(admin("SELECT rolsuper FROM pg_roles WHERE rolname = 'cloudadmin'").out).toBe("f");
  });

  testPgaudit("GIVEN --extension pgaudit on a server that preloads it WHEN migrated twice THEN the extension exists once, in MLflow's database only", () => {
    const o = opts({ extensions: ["pgaudit"] });
    expect(migrate(o, env())).toEqual({ ok: true, message: expect.stringContaining("extension pgaudit in mlflow") });
    expect(migrate(o, env()).ok).toBe(true);
    expect(admin("SELECT extname FROM pg_extension WHERE extname = 'pgaudit'", "mlflow").out).toBe("pgaudit");
    expect(admin("SELECT count(*) FROM pg_extension WHERE extname = 'pgaudit'", "postgres").out).toBe("0");
    // The role's sessions still work with the audit hooks on.
    expect(psql("mlflow", PASSWORD, "mlflow", "SELECT 1").out).toBe("1");
  });

  test("GIVEN --create-database (a self-hosted Airflow on RDS, which has no resource for a second database) WHEN migrated twice, directly and as the migration job's script THEN the database exists once and the role works in its schema", () => {
    const argv = (db: string) => ["--host", "127.0.0.1", "--port", String(port), "--admin-user", ADMIN, "--database", db, "--role", db, "--schema", "airflow", "--login", "password", "--password-env", "AIRFLOW_DB_PASSWORD", "--sslmode", "disable", "--create-database"];
    const given = { AIRFLOW_DB_PASSWORD: NASTY_PASSWORD };
    expect(parseOptions(argv("airflow_rds"), given).createDatabase).toBe(true);
    expect(parseOptions(argv("airflow_rds").slice(0, -1), given).createDatabase).toBeUndefined();
    for (let run = 0; run < 2; run++) expect(migrate(parseOptions(argv("airflow_rds"), given), env())).toMatchObject({ ok: true });
    // The job's path: one psql over the whole script, no -1 (CREATE DATABASE cannot run in a transaction).
    for (let run = 0; run < 2; run++) {
      const r = spawnSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", ADMIN, "-d", "postgres", "-f", "-"], {
        input: migrationScript(parseOptions(argv("airflow_job"), given)),
        encoding: "utf8",
        env: { ...env(), PGSSLMODE: "disable" },
      });
      expect([run, r.status, r.stderr.replace(/^.*NOTICE: .*\n/gm, "")]).toEqual([run, 0, ""]);
    }
    for (const db of ["airflow_rds", "airflow_job"]) {
      expect(admin(`SELECT count(*) FROM pg_database WHERE datname = '${db}'`).out).toBe("1");
      expect(psql(db, NASTY_PASSWORD, db, "CREATE TABLE IF NOT EXISTS dag (id int); SELECT schemaname FROM pg_tables WHERE tablename = 'dag'").out).toBe("airflow");
    }
  });

  test("GIVEN an extension the server does not have WHEN migrated THEN it fails naming it, and the role's schema part is rolled back", () => {
    const r = migrate(opts({ role: "noext", schema: "noext", extensions: ["no_such_extension"] }), env());
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/mlflow on 127\.0\.0\.1:\d+: .*no_such_extension/);
    expect(admin("SELECT count(*) FROM pg_namespace WHERE nspname = 'noext'", "mlflow").out).toBe("0");
  });
});

describe("database-migrate input", () => {
  const base = ["--host", "db.internal", "--admin-user", "postgres", "--database", "mlflow", "--role", "mlflow", "--login", "password"];

  test("GIVEN valid options THEN defaults apply and the password becomes a SCRAM verifier, never kept in clear", () => {
    const o = parseOptions(base, { MLFLOW_DB_PASSWORD: PASSWORD });
    expect(o).toMatchObject({ port: 5432, sslmode: "require", connectionLimit: 50, adminDatabase: "postgres" });
    expect(o.passwordVerifier).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(o)).not.toContain(PASSWORD);
    expect(clusterSql(o)).not.toContain(PASSWORD);
  });

  test.each([
    [["--role", "mlflow; drop"], /--role: expected a role name .* found "mlflow; drop"/],
    [["--database", "ml-flow"], /--database: expected a database name .* found "ml-flow"/],
    [["--login", "token"], /--login: expected one of password, rds-iam, existing, found "token"/],
    [["--port", "99999"], /--port: expected 1-65535, found "99999"/],
    [["--sslmode", "maybe"], /--sslmode: expected one of disable, .* found "maybe"/],
    [["--role", "postgres"], /--role: must not be the admin user "postgres"/],
    [["--colour", "red"], /--colour: unknown option/],
  ])("GIVEN %j THEN the message names the option, the expected and the found value", (extra, message) => {
    const args = [...base];
    for (let i = 0; i < extra.length; i += 2) {
      const at = args.indexOf(extra[i]);
      if (at >= 0) args[at + 1] = extra[i + 1];
      else args.push(extra[i], extra[i + 1]);
    }
    expect(() => parseOptions(args, { MLFLOW_DB_PASSWORD: PASSWORD })).toThrow(message);
  });

  test("GIVEN a missing option and a short password THEN both are reported at once", () => {
    expect(() => parseOptions(base.slice(2), { MLFLOW_DB_PASSWORD: "short" })).toThrow(/--host: required\nMLFLOW_DB_PASSWORD: expected at least 16 printable ASCII characters .* found 5 characters/);
  });

  test("GIVEN --schema, --password-env and --extension THEN the role's schema, password variable and extensions are taken, extensions once each", () => {
    const o = parseOptions([...base, "--schema", "airflow", "--password-env", "AIRFLOW_DB_PASSWORD", "--extension", "pgaudit", "--extension", "pgaudit,pg_trgm"], { AIRFLOW_DB_PASSWORD: PASSWORD });
    expect(o).toMatchObject({ schema: "airflow", extensions: ["pgaudit", "pg_trgm"] });
    expect(clusterSql(o)).toContain(`ALTER ROLE "mlflow" IN DATABASE "mlflow" SET search_path = "airflow";`);
    expect(databaseSql(o).split("\n").slice(0, 3)).toEqual([`CREATE EXTENSION IF NOT EXISTS "pgaudit";`, `CREATE EXTENSION IF NOT EXISTS "pg_trgm";`, `CREATE SCHEMA IF NOT EXISTS "airflow" AUTHORIZATION "mlflow";`]);
    expect(() => parseOptions([...base, "--password-env", "AIRFLOW_DB_PASSWORD"], { MLFLOW_DB_PASSWORD: PASSWORD })).toThrow(/^AIRFLOW_DB_PASSWORD: expected at least 16 printable ASCII characters .* found nothing$/);
  });

  test("GIVEN no --schema THEN the schema is mlflow, as before the option existed", () => {
    expect(parseOptions(base, { MLFLOW_DB_PASSWORD: PASSWORD }).schema).toBe("mlflow");
    expect(databaseSql({ ...parseOptions(base, { MLFLOW_DB_PASSWORD: PASSWORD }), schema: undefined, extensions: undefined })).toMatch(/^CREATE SCHEMA IF NOT EXISTS "mlflow" AUTHORIZATION "mlflow";/);
  });

  test.each([
    [["--schema", "public"], /--schema: expected a schema of the role's own, found "public"/],
    [["--schema", "pg_catalog"], /--schema: expected a schema of the role's own, found "pg_catalog"/],
    [["--schema", "a;b"], /--schema: expected a schema name .* found "a;b"/],
    [["--extension", "PgAudit"], /--extension: expected an extension name .* found "PgAudit"/],
    [["--password-env", "lower"], /--password-env: expected an environment variable name .* found "lower"/],
    [["--host", "other"], /--host: given twice \("db.internal" and "other"\); expected once/],
  ])("GIVEN %j THEN it is refused with the option, the expected and the found value", (extra, message) => {
    expect(() => parseOptions([...base, ...extra], { MLFLOW_DB_PASSWORD: PASSWORD })).toThrow(message);
  });

  test("GIVEN names with quotes THEN identifiers and literals are quoted by doubling", () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });
});
