/**
 * A database login a stack needs besides MLflow's (whose login the day-0 runbook reads from MLflow's own
 * DB_* environment): a self-hosted Airflow's metadata login (Azure, and AWS or Google Cloud in
 * `airflow.mode: "self-hosted"`). No provider has a PostgreSQL role resource for these private
 * servers, so the module declares the login and the day-0 migration step (`scripts/database-migrate.ts`)
 * creates it: `scripts/day0-foundation.ts` `databaseLogins` reads the declarations from the synthesized stack.
 *
 * The declaration is a Terraform local (`locals.mlops_database_login_<key>`) that nothing uses: Terraform
 * evaluates and ignores it, it changes no plan, and it holds names and references only, never a value.
 */
import { Construct } from "constructs";
import { TerraformStack } from "cdktf";
import { ValidationError } from "./errors";

/** Prefix of the locals that declare logins. */
export const DATABASE_LOGIN_LOCAL_PREFIX = "mlops_database_login_";

/** What every declared login names, whatever its kind. */
export interface DeclaredLoginBase {
  /** Who connects, for the runbook's titles (`Airflow`). Its upper-case form names the password variable (`AIRFLOW_DB_PASSWORD`). */
  readonly owner: string;
  /** The server's id or name, as a reference to the server resource (`${azurerm_postgresql_flexible_server.x.id}`). */
  readonly server: string;
  readonly database: string;
  readonly role: string;
  /** The schema the role owns and gets as its search_path (not `public`). */
  readonly schema: string;
  /** The migration creates the database too (RDS: no Terraform resource for a second database in an instance). @default false */
  readonly createDatabase?: boolean;
}

/**
 * What the migration step needs to create one login: a password login (AWS, Azure), or `existing`
 * (Google Cloud's IAM database authentication: Terraform creates the IAM user, the migration only
 * gives it the database, its schema and search_path; there is no password, as for MLflow on Google).
 */
export type DeclaredDatabaseLogin = DeclaredLoginBase &
  (
    | {
        readonly login: "password";
        /** The secret holding the password the application connects with, as a reference to the secret resource's name (its CLI name). */
        readonly passwordSecret: string;
      }
    | { readonly login: "existing" }
  );

const KEY = /^[a-z][a-z0-9_]*$/;

/** Declares `login` in the stack of `scope` under `key` (`airflow`). */
export function declareDatabaseLogin(scope: Construct, key: string, login: DeclaredDatabaseLogin): void {
  if (!KEY.test(key)) throw new ValidationError(`database login key: expected lower-case letters, digits and _, found ${JSON.stringify(key)}`, scope);
  TerraformStack.of(scope).addOverride(`locals.${DATABASE_LOGIN_LOCAL_PREFIX}${key}`, { ...login });
}
