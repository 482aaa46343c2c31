/**
 * Day-0 migration step: creates one application's own least-privilege database role, idempotently, so
 * MLflow (and a self-hosted Airflow) never connects as the RDS master user, the Azure server admin or a
 * Cloud SQL superuser.
 *
 *   npx tsx scripts/database-migrate.ts --host <h> --admin-user <u> --database mlflow --role mlflow \
 *     --login password|rds-iam|existing [--port 5432] [--sslmode require] [--connection-limit 50] \
 *     [--schema mlflow] [--password-env MLFLOW_DB_PASSWORD] [--extension pgaudit]... [--create-database]
 *   npx tsx scripts/database-migrate.ts --emit-sql --admin-user <u> --database mlflow --role mlflow --login ...
 *     prints the same statements as one psql script and runs nothing: the day-0 step hands it to the
 *     migration job that runs inside the cloud's network (modules/<cloud>/database-migration-job.ts).
 *
 * Environment: PGPASSWORD (the admin's password or IAM token, read by psql), MLFLOW_DB_PASSWORD (the
 * role's password, for `--login password`; `--password-env` names another variable: sent as a
 * SCRAM-SHA-256 verifier computed here, so the plain password reaches neither the server's statement
 * log nor any command line).
 *
 * What the role gets: LOGIN, no superuser/createdb/createrole/replication/bypassrls, CONNECT and
 * TEMPORARY on its database (PUBLIC loses them), its own schema (`--schema`, default `mlflow`: the
 * application's migrations create their tables there) as its search_path in that database, nothing in
 * `public`. An own schema rather than `public` or database ownership: the owner of a database may drop it
 * and grant CONNECT to anyone, and `public` is shared by every role that can connect; a schema the role owns
 * gives it exactly its tables. Airflow works this way too: with search_path = its schema and no
 * `sql_alchemy_schema`, `airflow db migrate` creates every table there (apache/airflow#40532; the setting
 * itself is ignored by some queries, apache/airflow#27348). `--extension` creates an extension in the
 * database first, as the admin (`CREATE EXTENSION IF NOT EXISTS`: pgaudit on Cloud SQL, whose flag
 * `cloudsql.enable_pgaudit` only loads the library). Login modes per cloud:
 * - `password` (Azure; AWS without IAM auth): a password login.
 * - `rds-iam` (AWS): member of `rds_iam`, logs in with an IAM token (no password).
 * - `existing` (Google): the role is the Cloud SQL IAM user the stack creates (`google_sql_user`
 *   type CLOUD_IAM_SERVICE_ACCOUNT); this step only grants, and fails if the user is missing.
 * Runs with psql (`-X -1 -v ON_ERROR_STOP=1`): each database's part is one transaction.
 * Exit codes: 0 done (or nothing to change), 2 invalid input (nothing run), 1 the database refused.
 */
import { spawnSync } from "child_process";
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "crypto";

export type LoginMode = "password" | "rds-iam" | "existing";

/** What the step needs, validated. */
export interface MigrateOptions {
  readonly host: string;
  readonly port: number;
  readonly adminUser: string;
  /** The maintenance database the admin connects to first. @default "postgres" */
  readonly adminDatabase: string;
  readonly database: string;
  readonly role: string;
  readonly login: LoginMode;
  /** @default "require" */
  readonly sslmode: string;
  /** @default 50 */
  readonly connectionLimit: number;
  /** The role's SCRAM verifier (`password` mode only). */
  readonly passwordVerifier?: string;
  /** The schema the role owns and works in. @default MLFLOW_SCHEMA */
  readonly schema?: string;
  /** Extensions created in `database` (as the admin) before the role's schema. @default [] */
  readonly extensions?: readonly string[];
  /** Create the database first when it is missing (`--create-database`: RDS has no Terraform resource for a second database). */
  readonly createDatabase?: boolean;
}

/** Bad input: the message names the option, what was expected and what was found. */
export class MigrateInputError extends Error {}

/** The schema MLflow's tables live in: the default `--schema`. */
export const MLFLOW_SCHEMA = "mlflow";

/** The variable the role's password is read from by default (`--password-env`). */
export const DEFAULT_PASSWORD_ENV = "MLFLOW_DB_PASSWORD";

/** The schema of `o`: its own or MLflow's. */
export function schemaOf(o: MigrateOptions): string {
  return o.schema ?? MLFLOW_SCHEMA;
}

/** PostgreSQL identifier, quoted (`"a""b"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** PostgreSQL string literal, quoted (standard_conforming_strings is on in every supported version). */
export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new MigrateInputError("a value holds a NUL byte");
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 7677, as libpq's
 * `PQencryptPasswordConn` builds it): `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 * Restricted to printable ASCII, where SASLprep changes nothing.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** Statements run on the maintenance database: the role, its attributes, its database privileges. */
export function clusterSql(o: MigrateOptions): string {
  const role = quoteIdent(o.role);
  const roleLit = quoteLiteral(o.role);
  const db = quoteIdent(o.database);
  const lines: string[] = [];
  if (o.login === "existing") {
    lines.push(
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${roleLit}) THEN`,
      `  RAISE EXCEPTION 'role % does not exist: create the Cloud SQL IAM user first (the stack does, google_sql_user)', ${roleLit}; END IF; END $$;`,
    );
  } else {
    lines.push(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${roleLit}) THEN CREATE ROLE ${role} LOGIN; END IF; END $$;`);
  }
  lines.push(`ALTER ROLE ${role} LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT ${o.connectionLimit};`);
  if (o.login === "password") lines.push(`ALTER ROLE ${role} PASSWORD ${quoteLiteral(o.passwordVerifier ?? "")};`);
  if (o.login === "rds-iam") lines.push(`GRANT rds_iam TO ${role};`);
  lines.push(
    // Refuse to hand the application a role that is more than a login (someone made it superuser by hand, say).
    `DO $$ DECLARE r pg_roles%ROWTYPE; BEGIN SELECT * INTO r FROM pg_roles WHERE rolname = ${roleLit};`,
    `  IF r.rolsuper OR r.rolreplication OR r.rolbypassrls THEN RAISE EXCEPTION 'role % is superuser, replication or bypassrls; the application needs a plain login: fix it by hand', ${roleLit}; END IF; END $$;`,
    // The admin must be able to act as the role to give it its schema: PostgreSQL 15 checks membership, 16 (RDS and
    // Azure here) the SET option, which the ADMIN-only grant a CREATEROLE creator gets lacks (createrole_self_grant
    // is empty by default); granting the role to itself gives it.
    `DO $$ BEGIN IF NOT pg_has_role(current_user, ${roleLit}, CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'SET' ELSE 'MEMBER' END) THEN`,
    `  EXECUTE format('GRANT %I TO %I', ${roleLit}, current_user); END IF; END $$;`,
    `REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`,
    `GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${role};`,
    `ALTER ROLE ${role} IN DATABASE ${db} SET search_path = ${quoteIdent(schemaOf(o))};`,
  );
  return `${lines.join("\n")}\n`;
}

/** Statements run on the role's database: the extensions asked for, its own schema, nothing in public. */
export function databaseSql(o: MigrateOptions): string {
  const role = quoteIdent(o.role);
  const schema = quoteIdent(schemaOf(o));
  return [
    ...(o.extensions ?? []).map((e) => `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e)};`),
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role};`,
    `ALTER SCHEMA ${schema} OWNER TO ${role};`,
    `REVOKE CREATE ON SCHEMA public FROM PUBLIC;`,
    `REVOKE ALL ON SCHEMA public FROM ${role};`,
    "",
  ].join("\n");
}

const ROLE = /^[A-Za-z_][A-Za-z0-9_.@-]{0,62}$/;
const DATABASE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const EXTENSION = /^[a-z_][a-z0-9_]{0,62}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Schemas a role must not own: PostgreSQL's own, and `public` (shared by every role that connects). */
const RESERVED_SCHEMA = /^(public|information_schema|pg_.*)$/;
/** Options that may be given more than once (or as a comma-separated list). */
const REPEATABLE = new Set(["extension"]);
/** `--create-database`: a flag, no value. */
const CREATE_DATABASE_FLAG = "--create-database";
const MODES: readonly LoginMode[] = ["password", "rds-iam", "existing"];
const SSLMODES = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];

/** Parses and validates the command line and environment; every problem in one error. */
export function parseOptions(given: readonly string[], env: Readonly<Record<string, string | undefined>>): MigrateOptions {
  // The one option without a value.
  const createDatabase = given.includes(CREATE_DATABASE_FLAG);
  const argv = given.filter((a) => a !== CREATE_DATABASE_FLAG);
  const flags = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--") || i + 1 >= argv.length || argv[i + 1].startsWith("--")) {
      problems.push(`${a}: expected --<option> <value>`);
      continue;
    }
    const k = a.slice(2);
    const v = argv[++i];
    if (REPEATABLE.has(k)) lists.set(k, [...(lists.get(k) ?? []), ...v.split(",")]);
    else if (flags.has(k)) problems.push(`--${k}: given twice (${JSON.stringify(flags.get(k))} and ${JSON.stringify(v)}); expected once`);
    else flags.set(k, v);
  }
  const known = ["create-database", "host", "port", "admin-user", "admin-database", "database", "role", "login", "sslmode", "connection-limit", "schema", "password-env", "extension"];
  for (const k of [...flags.keys(), ...lists.keys()]) if (!known.includes(k)) problems.push(`--${k}: unknown option (expected one of ${known.map((x) => `--${x}`).join(", ")})`);
  const need = (k: string) => {
    const v = flags.get(k);
    if (!v) problems.push(`--${k}: required`);
    return v ?? "";
  };
  const host = need("host");
  const adminUser = need("admin-user");
  const database = need("database");
  const role = need("role");
  const login = need("login") as LoginMode;
  const port = Number(flags.get("port") ?? "5432");
  const connectionLimit = Number(flags.get("connection-limit") ?? "50");
  const sslmode = flags.get("sslmode") ?? "require";
  const adminDatabase = flags.get("admin-database") ?? "postgres";
  const schema = flags.get("schema") ?? MLFLOW_SCHEMA;
  const passwordEnv = flags.get("password-env") ?? DEFAULT_PASSWORD_ENV;
  const extensions = [...new Set(lists.get("extension") ?? [])];
  if (!DATABASE.test(schema)) problems.push(`--schema: expected a schema name (letters, digits, _, up to 63), found ${JSON.stringify(schema)}`);
  else if (RESERVED_SCHEMA.test(schema)) problems.push(`--schema: expected a schema of the role's own, found ${JSON.stringify(schema)} (public and PostgreSQL's own schemas are shared)`);
  if (!ENV_NAME.test(passwordEnv)) problems.push(`--password-env: expected an environment variable name (A-Z, 0-9, _), found ${JSON.stringify(passwordEnv)}`);
  for (const e of extensions) if (!EXTENSION.test(e)) problems.push(`--extension: expected an extension name (lower-case letters, digits, _), found ${JSON.stringify(e)}`);
  if (role && !ROLE.test(role)) problems.push(`--role: expected a role name (letters, digits, _ . @ -, up to 63), found ${JSON.stringify(role)}`);
  for (const [k, v] of [["database", database], ["admin-database", adminDatabase]] as const) {
    if (v && !DATABASE.test(v)) problems.push(`--${k}: expected a database name (letters, digits, _, up to 63), found ${JSON.stringify(v)}`);
  }
  if (login && !MODES.includes(login)) problems.push(`--login: expected one of ${MODES.join(", ")}, found ${JSON.stringify(login)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`--port: expected 1-65535, found ${JSON.stringify(flags.get("port"))}`);
  if (!Number.isInteger(connectionLimit) || connectionLimit < 1) problems.push(`--connection-limit: expected a positive integer, found ${JSON.stringify(flags.get("connection-limit"))}`);
  if (!SSLMODES.includes(sslmode)) problems.push(`--sslmode: expected one of ${SSLMODES.join(", ")}, found ${JSON.stringify(sslmode)}`);
  if (role && adminUser && role === adminUser) problems.push(`--role: must not be the admin user ${JSON.stringify(adminUser)} (MLflow gets its own role)`);
  let passwordVerifier: string | undefined;
  if (login === "password") {
    const pw = env[passwordEnv] ?? "";
    if (pw.length < 16 || !/^[\x21-\x7e]+$/.test(pw)) problems.push(`${passwordEnv}: expected at least 16 printable ASCII characters without spaces for --login password, found ` + (pw ? `${pw.length} characters` : "nothing"));
    else passwordVerifier = scramVerifier(pw);
  }
  if (problems.length > 0) throw new MigrateInputError(problems.join("\n"));
  return { host, port, adminUser, adminDatabase, database, role, login, sslmode, connectionLimit, passwordVerifier, schema, extensions, ...(createDatabase ? { createDatabase } : {}) };
}

/** Runs one database's statements with psql, in one transaction. */
function runPsql(o: MigrateOptions, dbname: string, sql: string, env: NodeJS.ProcessEnv, singleTransaction = true): { ok: boolean; stderr: string } {
  const r = spawnSync("psql", ["-X", "-q", ...(singleTransaction ? ["-1"] : []), "-v", "ON_ERROR_STOP=1", "--no-password", "-h", o.host, "-p", String(o.port), "-U", o.adminUser, "-d", dbname], {
    input: sql,
    encoding: "utf8",
    env: { ...env, PGSSLMODE: o.sslmode, PGCONNECT_TIMEOUT: env.PGCONNECT_TIMEOUT ?? "10" },
  });
  if (r.error) return { ok: false, stderr: `psql could not start: ${r.error.message}` };
  return { ok: r.status === 0, stderr: r.stderr };
}

/**
 * `--create-database`: the database, when missing, owned by the admin (the role gets CONNECT only). CREATE DATABASE
 * cannot run inside a transaction, so this runs on its own, before the cluster part: psql's `\gexec` runs the
 * statement the query returns, and none when the database exists.
 */
export function createDatabaseSql(o: MigrateOptions): string {
  const db = quoteLiteral(o.database);
  return `SELECT format('CREATE DATABASE %I', ${db}) WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${db})\\gexec\n`;
}

/** What runs where, in order: the cluster part on the maintenance database, then extensions and the schema in the role's database. */
export function migrationParts(o: MigrateOptions): readonly (readonly [database: string, sql: string])[] {
  return [
    [o.adminDatabase, clusterSql(o)],
    [o.database, databaseSql(o)],
  ];
}

/**
 * The whole migration as one psql script, for the migration job inside the cloud's network
 * (modules/core/database-migration.ts): per part `\connect <database>` and its statements in one
 * transaction (psql's `-1` cannot span `\connect`). Database names are validated identifiers.
 */
export function migrationScript(o: MigrateOptions): string {
  const create = o.createDatabase ? `\\connect ${o.adminDatabase}\n${createDatabaseSql(o)}` : "";
  return create + migrationParts(o)
    .map(([db, sql]) => `\\connect ${db}\nBEGIN;\n${sql}COMMIT;\n`)
    .join("");
}

/** The step: cluster part on the maintenance database, then extensions and the schema in the role's database. */
export function migrate(o: MigrateOptions, env: NodeJS.ProcessEnv = process.env): { ok: boolean; message: string } {
  if (o.createDatabase) {
    const r = runPsql(o, o.adminDatabase, createDatabaseSql(o), env, false);
    if (!r.ok) return { ok: false, message: `database-migrate: creating ${o.database} on ${o.host}:${o.port}: ${r.stderr.trim()}` };
  }
  for (const [db, sql] of migrationParts(o)) {
    const r = runPsql(o, db, sql, env);
    if (!r.ok) return { ok: false, message: `database-migrate: ${db} on ${o.host}:${o.port}: ${r.stderr.trim()}` };
  }
  const ext = (o.extensions ?? []).length > 0 ? `; extension ${o.extensions!.join(", ")} in ${o.database}` : "";
  return { ok: true, message: `database-migrate: role ${o.role} (${o.login}) has CONNECT on ${o.database} and owns schema ${schemaOf(o)}; nothing else${ext}` };
}

/**
 * `--emit-sql`: print the psql script instead of running it (the day-0 step passes it to the migration
 * job; the job has the host). `--host` is then optional; the role's password still arrives only as its
 * SCRAM verifier.
 */
export function emitSql(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): string {
  const args = argv.filter((a) => a !== "--emit-sql");
  const withHost = args.includes("--host") ? args : [...args, "--host", "migration-job"];
  return migrationScript(parseOptions(withHost, env));
}

if (require.main === module) {
  try {
    const argv = process.argv.slice(2);
    if (argv.includes("--emit-sql")) {
      // exitCode, not exit(): stdout into a pipe is asynchronous on macOS, and exit() would cut the script short.
      process.stdout.write(emitSql(argv, process.env));
      process.exitCode = 0;
    } else {
      const opts = parseOptions(argv, process.env);
      const r = migrate(opts);
      (r.ok ? process.stdout : process.stderr).write(`${r.message}\n`);
      process.exitCode = r.ok ? 0 : 1;
    }
  } catch (e) {
    if (!(e instanceof MigrateInputError)) throw e;
    process.stderr.write(`${e.message}\ndatabase-migrate: invalid input; nothing was run\n`);
    process.exitCode = 2;
  }
}
