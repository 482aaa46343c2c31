/**
 * A throwaway PostgreSQL cluster on loopback, for suites that run SQL: Debian's initdb and pg_ctl, run as the
 * postgres user when the tests run as root (initdb refuses root). initdb costs about 2 s of CPU, so one jest run
 * makes one initialized cluster (a lock folder decides, across workers) and every suite starts its own copy of
 * it on a port of its own: suites never see each other's roles or databases.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { oncePerRunSync } from "./once-per-run";

/** The newest installed server's bin folder (/usr/lib/postgresql/<major>/bin), or undefined. */
export const POSTGRES_BIN = (() => {
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base) ? fs.readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(base, v, "bin")).find((d) => fs.existsSync(path.join(d, "initdb")));
})();

/** Why a local cluster cannot run here ("" when it can): the suite skips with this printed. */
export const POSTGRES_MISSING = !POSTGRES_BIN
  ? "no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
  : spawnSync("psql", ["--version"]).status !== 0
    ? "no psql on PATH"
    : "";

/** The cluster's superuser. */
export const ADMIN = "admin";
export const ADMIN_PASSWORD = "admin-password-for-tests-only";

/** Whether pgaudit can be preloaded (Cloud SQL's `cloudsql.enable_pgaudit` does that); Debian ships postgresql-<major>-pgaudit. */
export const HAS_PGAUDIT = (() => {
  if (!POSTGRES_BIN) return false;
  const major = path.basename(path.dirname(POSTGRES_BIN));
  return fs.existsSync(path.join(POSTGRES_BIN, "..", "lib", "pgaudit.so")) && fs.existsSync(`/usr/share/postgresql/${major}/extension/pgaudit.control`);
})();

const asRoot = process.getuid?.() === 0;
const postgresIds = (): { uid?: number; gid?: number } =>
  asRoot ? { uid: Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout), gid: Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout) } : {};

/** Runs a PostgreSQL server binary, as the postgres user when we are root. */
function asPostgres(cmd: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(path.join(POSTGRES_BIN!, cmd), args, { encoding: "utf8", ...postgresIds() });
}

/** A folder the postgres user may enter: as root, the run's private temp folder is not one, so /tmp. */
function scratch(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(asRoot ? "/tmp" : os.tmpdir(), prefix));
  const { uid, gid } = postgresIds();
  if (uid !== undefined && gid !== undefined) fs.chownSync(dir, uid, gid);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** initdb into a fresh folder the postgres user may enter; the data folder's path. */
function initdb(): string {
  const dir = scratch("pg-template-");
  const pwfile = path.join(dir, "pw");
  fs.writeFileSync(pwfile, ADMIN_PASSWORD);
  const { uid, gid } = postgresIds();
  if (uid !== undefined && gid !== undefined) fs.chownSync(pwfile, uid, gid);
  const data = path.join(dir, "data");
  const init = asPostgres("initdb", ["-D", data, "-U", ADMIN, "--pwfile", pwfile, "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-instructions"]);
  fs.rmSync(pwfile);
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr}`);
  }
  return data;
}

/**
 * An initialized data folder: within a jest run the run's shared one (`shared`: made by the first suite to
 * ask, waited for by the others; test/global-teardown.js removes it), outside one a fresh one for the caller.
 */
function initializedTemplate(): { data: string; shared: boolean } {
  if (!process.env.MLOPS_TEST_TMPDIR) return { data: initdb(), shared: false };
  // As root the template lives in /tmp (the postgres user cannot enter the run's folder): its path is noted.
  const folder = oncePerRunSync("postgres-template", (dir) => fs.writeFileSync(path.join(dir, "data-path"), initdb()));
  return { data: fs.readFileSync(path.join(folder, "data-path"), "utf8"), shared: true };
}

/** A started cluster: `psql` runs one statement list, `stop()` ends the server and removes its files. */
export interface LocalPostgres {
  readonly port: number;
  readonly dir: string;
  /** psql -c `sql` as `user`; `args` go before -c (e.g. -R to choose the record separator). */
  psql(user: string, password: string, db: string, sql: string, args?: readonly string[]): { ok: boolean; out: string; err: string };
  stop(): void;
}

/** Starts a copy of the run's initialized cluster with `databases` created; `preload` names shared_preload_libraries. */
export async function startLocalPostgres(opts: { databases: readonly string[]; preload?: readonly string[] }): Promise<LocalPostgres> {
  const template = initializedTemplate();
  const dir = scratch("pg-");
  const data = path.join(dir, "data");
  if (template.shared) {
    const copy = spawnSync("cp", ["-a", template.data, data], { encoding: "utf8" }); // keeps the postgres owner and mode 0700
    if (copy.status !== 0) throw new Error(`copying the initialized cluster failed: ${copy.stderr}`);
  } else {
    fs.renameSync(template.data, data);
    fs.rmSync(path.dirname(template.data), { recursive: true, force: true });
  }
  const port = await freePort();
  const preload = opts.preload?.length ? ` -c shared_preload_libraries=${opts.preload.join(",")}` : "";
  const log = path.join(dir, "log");
  const start = asPostgres("pg_ctl", ["-D", data, "-l", log, "-w", "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off${preload}`, "start"]);
  if (start.status !== 0) throw new Error(`pg_ctl start failed: ${start.stderr}${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`);
  const psql: LocalPostgres["psql"] = (user, password, db, sql, args = []) => {
    const r = spawnSync("psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", ...args, "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", db, "-c", sql], {
      encoding: "utf8",
      env: { ...process.env, PGPASSWORD: password, PGSSLMODE: "disable" },
    });
    return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
  };
  const stop = () => {
    asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (const db of opts.databases) {
    const created = psql(ADMIN, ADMIN_PASSWORD, "postgres", `CREATE DATABASE ${db}`);
    if (!created.ok) {
      stop();
      throw new Error(created.err);
    }
  }
  return { port, dir, psql, stop };
}
