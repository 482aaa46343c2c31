/** A module's database login declaration: a Terraform local the day-0 runbook reads (scripts/day0-foundation.ts). */
import { TerraformStack, Testing } from "cdktf";
import { DATABASE_LOGIN_LOCAL_PREFIX, declareDatabaseLogin, DeclaredDatabaseLogin } from "../../../modules/core/database-login";
import { databaseLogins } from "../../../scripts/day0-foundation";

const LOGIN: DeclaredDatabaseLogin = {
  owner: "Airflow",
  server: "${azurerm_postgresql_flexible_server.pg.id}",
  database: "airflow",
  role: "airflow",
  schema: "airflow",
  login: "password",
  passwordSecret: "${azurerm_key_vault_secret.pw.name}",
};

describe("declareDatabaseLogin", () => {
  test("GIVEN a declaration WHEN synthesized THEN it is one local under the prefix, names and references only, and the runbook lists it with the server's admin and the secret's name", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    declareDatabaseLogin(stack, "airflow", LOGIN);
    const json = JSON.parse(Testing.synth(stack)) as { locals: Record<string, unknown> };
    expect(json.locals).toEqual({ [`${DATABASE_LOGIN_LOCAL_PREFIX}airflow`]: LOGIN });
    const resource = {
      azurerm_postgresql_flexible_server: { pg: { name: "mlops-dev-pg", administrator_login: "mlflowadmin" } },
      azurerm_key_vault_secret: { pw: { name: "airflow-db-password" } },
    };
    expect(databaseLogins("azure", { ...json, resource })).toEqual([
      {
        owner: "Airflow",
        server: "mlops-dev-pg",
        adminUser: "mlflowadmin",
        database: "airflow",
        role: "airflow",
        login: "password",
        schema: "airflow",
        extensions: [],
        passwordEnv: "AIRFLOW_DB_PASSWORD",
        passwordSecret: { address: "azurerm_key_vault_secret.pw", name: "airflow-db-password" },
        writtenByRunbook: false,
      },
    ]);
  });

  test("GIVEN an existing IAM user declared on Google Cloud WHEN listed THEN the login is existing, with the instance's admin, pgaudit, and no password secret", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    const iam: DeclaredDatabaseLogin = { owner: "Airflow", server: "${google_sql_database_instance.db.name}", database: "${google_sql_database.airflow.name}", role: "mlops-dev-airflow@p.iam", schema: "airflow", login: "existing" };
    declareDatabaseLogin(stack, "airflow", iam);
    const json = JSON.parse(Testing.synth(stack)) as { locals: Record<string, unknown> };
    const resource = {
      google_sql_database_instance: { db: { name: "mlops-dev-db", settings: { database_flags: [{ name: "cloudsql.enable_pgaudit", value: "on" }] } } },
      google_sql_database: { airflow: { name: "airflow" } },
    };
    const [login] = databaseLogins("gcp", { ...json, resource });
    expect(login).toEqual({
      owner: "Airflow",
      server: "mlops-dev-db",
      adminUser: "postgres",
      database: "airflow",
      role: "mlops-dev-airflow@p.iam",
      login: "existing",
      schema: "airflow",
      extensions: ["pgaudit"],
      passwordEnv: "AIRFLOW_DB_PASSWORD",
      writtenByRunbook: false,
    });
  });

  test("GIVEN a key that is not a plain lower-case name THEN it is refused with the expected and found value", () => {
    const stack = new TerraformStack(Testing.app(), "s");
    expect(() => declareDatabaseLogin(stack, "Air-flow", LOGIN)).toThrow(/database login key: expected lower-case letters, digits and _, found "Air-flow"/);
  });
});
