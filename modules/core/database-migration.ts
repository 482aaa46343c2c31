/**
 * What the database migration job runs on every cloud: the image, the variable the starter puts the
 * SQL in and the shell command that feeds it to psql. The SQL travels base64-encoded: gcloud's
 * `--update-env-vars` splits on commas, and base64 has no comma, quote, `$` or newline, so the same
 * bytes reach psql whichever CLI started the job (test/modules/core/database-migration-command.test.ts
 * runs this command against a real PostgreSQL).
 */

/**
 * The official PostgreSQL image, for its psql (17 speaks to servers 9.2 and later), pinned by version and
 * digest (a public tag can be moved; the Azure image rule and the day-0 image test want digests). No registry
 * was reachable from here: the digest is the one public repositories pin for `postgres:17.6-alpine`. When
 * bumping, take the new one from `docker buildx imagetools inspect docker.io/library/postgres:<version>-alpine`
 * (the index digest, so every architecture resolves), as images/mlflow/Dockerfile says for its base.
 */
export const MIGRATION_CLIENT_IMAGE = "docker.io/library/postgres:17.6-alpine@sha256:ef257d85f76e48da1c64832459b59fcaba1a4dac97bf5d7450c77753542eee94";

/** The environment variable the day-0 step sets on one execution: the psql script, base64. */
export const MIGRATION_SQL_VARIABLE = "MIGRATION_SQL_BASE64";

/** The job's only container (the SQL goes to it). */
export const MIGRATION_CONTAINER = "migrate";

/**
 * The script `sh -c` runs. psql reads the decoded SQL on stdin with `-v ON_ERROR_STOP=1`: the first
 * failing statement stops it with exit 3, and the job fails. Not `-1`: the script switches databases with
 * `\connect`, which `-1` cannot span (its transaction is left on the first connection), so each database's
 * part carries its own BEGIN/COMMIT (scripts/database-migrate.ts `migrationScript`). Connection settings
 * are libpq's PG* variables, set by the job; PGPASSWORD comes from the secret store.
 * `afterwards` runs whatever psql's exit status (the Google job stops its Auth Proxy sidecar with it).
 * Without the variable (someone started the job by hand) it exits 2 and runs nothing.
 */
export function migrationShellScript(afterwards?: string): string {
  // No `${` or `%{` anywhere: Terraform would read them as its own template syntax inside the resource's strings.
  const run =
    `if [ -z "$${MIGRATION_SQL_VARIABLE}" ]; then echo "no SQL: start this job with ${MIGRATION_SQL_VARIABLE} set (npm run day0)" >&2; exit 2; fi; ` +
    `printf '%s' "$${MIGRATION_SQL_VARIABLE}" | base64 -d | psql -X -v ON_ERROR_STOP=1 -f -`;
  return afterwards ? `${run}; status=$?; ${afterwards}; exit $status` : run;
}

/** The container command: the image's shell, the script above. */
export function migrationCommand(afterwards?: string): string[] {
  return ["/bin/sh", "-c", migrationShellScript(afterwards)];
}

/**
 * Stack outputs the day-0 step reads (`terraform output -raw <key>`): the job's name on every cloud;
 * on AWS also where RunTask places it. The step's targeted apply creates what these name
 * (scripts/day0-foundation.ts `databaseTargets`).
 */
export const MIGRATION_OUTPUTS = {
  job: "database_migration_job",
  cluster: "database_migration_cluster",
  subnets: "database_migration_subnets",
  securityGroup: "database_migration_security_group",
} as const;
