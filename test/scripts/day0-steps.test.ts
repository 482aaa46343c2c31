/**
 * The day-0 step list as data: each step declares what it needs and what it makes, and no step needs
 * something a later step makes (issue 15: "no step depends on something a later step creates").
 */
import { parseOptions } from "../../scripts/database-migrate";
import { plan } from "../../scripts/day0";
import { closureOf, databaseLogins, referencesOf, resolveLiteral, secretsWithoutValue, StackJson } from "../../scripts/day0-foundation";
import { Day0Capability, Day0Step, day0Steps } from "../../scripts/day0-steps";
import { loadEnvironments } from "../../environments";
import { synthesizedStack } from "../../scripts/day0";
import * as path from "path";
import { ROOT } from "../support/stack-json";

/** The command of a role step that builds the migration's SQL (the one with `--emit-sql`). */
function migrationCommand(step: Day0Step): string {
  const found = step.commands.find((c) => c.includes("--emit-sql"));
  if (!found) throw new Error(`${step.title}: no command builds the migration's SQL`);
  return found;
}

/** The options database-migrate.ts gets in that command, after `--emit-sql` (which supplies a host, as emitSql does). */
function emitArgs(command: string): string[] {
  const start = command.indexOf("--emit-sql ") + "--emit-sql ".length;
  return [...command.slice(start, command.indexOf(" | base64", start)).split(" "), "--host", "migration-job"];
}

/** Every need that no earlier step made, as `<step>: <need>`. */
function unmetNeeds(steps: readonly Day0Step[]): string[] {
  const made = new Set<Day0Capability>();
  const problems: string[] = [];
  for (const [i, s] of steps.entries()) {
    for (const n of s.needs) if (!made.has(n)) problems.push(`${i + 1}. ${s.title}: needs ${n}`);
    for (const m of s.makes) made.add(m);
  }
  return problems;
}

/** The printed runbook of (env, cloud), planned once per run (each plan synthesizes the stack; tests only read it). */
const planned = new Map<string, Day0Step[]>();
function stepsOf(env: string, cloud: string): Day0Step[] {
  const key = `${env}-${cloud}`;
  const cached = planned.get(key);
  if (cached) return cached;
  const p = plan(["--env", env, "--cloud", cloud, "--dry-run"], ROOT);
  if ("error" in p) throw new Error(p.error);
  planned.set(key, p.steps);
  return p.steps;
}

const CASES = ["dev", "prod"].flatMap((env) => ["aws", "azure", "gcp"].map((cloud) => [env, cloud] as const));

describe.each(CASES)("day 0 of %s on %s", (env, cloud) => {
  const steps = stepsOf(env, cloud);
  const step = (title: RegExp) => {
    const s = steps.find((x) => title.test(x.title));
    if (!s) throw new Error(`no step ${title}: ${steps.map((x) => x.title).join(" | ")}`);
    return s;
  };

  test("GIVEN the step list WHEN walked in order THEN every need was made by an earlier step", () => {
    expect(unmetNeeds(steps)).toEqual([]);
  });

  test("GIVEN the full apply WHEN it runs THEN images, secret values and MLflow's database role exist already", () => {
    expect(step(/^Full apply/).needs).toEqual(expect.arrayContaining(["images", "secret-values", "database-role"]));
    expect(step(/^Push the images/).needs).toEqual(expect.arrayContaining(["registries", "github"]));
    expect(step(/^Hand over/).needs).toEqual(expect.arrayContaining(["ci-identities"]));
    expect(step(/^First CI deploy/).needs).toEqual(expect.arrayContaining(["platform", "github"]));
  });

  test("GIVEN the foundation step WHEN printed THEN it is one targeted apply, not a full one", () => {
    const [init, apply] = step(/^Foundation apply/).commands;
    expect(init).toBe(`terraform -chdir=cdktf.out/stacks/${env}-${cloud} init -input=false`);
    expect(apply).toMatch(new RegExp(`^terraform -chdir=cdktf.out/stacks/${env}-${cloud} apply \\\\\\n  -target=`));
    expect(steps.filter((s) => s.commands.some((c) => c.includes(`cdktf deploy ${env}-${cloud}`)))).toEqual([step(/^Full apply/)]);
  });
});

describe("the checker itself", () => {
  test("GIVEN the full apply moved before the images WHEN checked THEN the unmet needs are named", () => {
    const steps = stepsOf("dev", "aws");
    const full = steps.findIndex((s) => s.title.startsWith("Full apply"));
    const images = steps.findIndex((s) => s.title.startsWith("Push the images"));
    const moved = [...steps];
    const [f] = moved.splice(full, 1);
    moved.splice(images, 0, f);
    expect(unmetNeeds(moved)).toEqual(expect.arrayContaining([expect.stringMatching(/Full apply .*: needs images$/)]));
  });
});

describe("MLflow's database role step", () => {
  /** The database-migrate.ts options of the step's `--emit-sql` line (the job has the host). */
  const emitArgv = (command: string) => {
    const line = command.split("\n").find((l) => l.includes("scripts/database-migrate.ts --emit-sql "))!;
    return line.slice(line.indexOf("--emit-sql ") + "--emit-sql ".length, line.indexOf(" | base64")).split(" ");
  };

  test("GIVEN dev on Google Cloud WHEN printed THEN the migration job gets the SQL for the IAM user as a base64 override and the postgres password is the secret the job reads", () => {
    const role = stepsOf("dev", "gcp").find((s) => s.title.startsWith("Create MLflow's database role"))!;
    const [setPassword, run] = role.commands;
    expect(setPassword).toBe(
      'password="$(gcloud secrets versions access latest --secret mlops-dev-mlflow-db-admin --project mlops-dev-1234)"; ' +
        'gcloud sql users set-password postgres --instance mlops-dev-mlflow --password "$password" --project mlops-dev-1234',
    );
    expect(parseOptions([...emitArgv(run), "--host", "job"], {})).toMatchObject({ role: "mlops-dev-mlflow@mlops-dev-1234.iam", login: "existing", adminUser: "postgres", database: "mlflow" });
    // Execution flags before --container (after it they apply to that container only); the SQL goes to the migrate container.
    expect(run).toContain('gcloud run jobs execute "$job" --region europe-west3 --project mlops-dev-1234 --wait --container migrate --update-env-vars "MIGRATION_SQL_BASE64=$sql" || ');
    expect(run).toContain('job="$(terraform -chdir=cdktf.out/stacks/dev-gcp output -raw database_migration_job)"');
    expect(run).toMatch(/its output: gcloud logging read/);
    expect(role.commands.join("\n")).not.toMatch(/cloud-sql-proxy|DAY0_IN_VPC/);
  });

  test("GIVEN dev on AWS, where MLflow logs in as mlflow_app, WHEN printed THEN the migration task gets the SQL for the password the secrets step put into its login secret, in the private subnets without a public IP", () => {
    const steps = stepsOf("dev", "aws");
    const role = steps.find((s) => s.title.startsWith("Create MLflow's database role"))!;
    const secrets = steps.find((s) => s.title.startsWith("Set the secret values"))!;
    expect(role.title).toContain("(mlflow_app)");
    const [run] = role.commands;
    expect(role.commands).toHaveLength(1);
    expect(parseOptions([...emitArgv(run), "--host", "job"], { MLFLOW_DB_PASSWORD: "a-long-enough-password" })).toMatchObject({
      role: "mlflow_app",
      login: "password",
      adminUser: "mlflow",
      database: "mlflow",
    });
    expect(run).toContain("--launch-type FARGATE");
    expect(run).toContain("assignPublicIp=DISABLED");
    expect(run).toContain('--overrides "$overrides"');
    expect(run).toContain("aws ecs wait tasks-stopped --region eu-central-1");
    expect(run).not.toMatch(/ssm|DAY0_SSM_TARGET|PGPASSWORD/);
    // One password on both sides: the secrets step generates it into MLflow's login secret as the JSON MLflow reads,
    // and the migration reads that secret back for the role's MLFLOW_DB_PASSWORD before it builds the SQL.
    const put = secrets.commands.filter((c) => c.includes("--secret-id mlops/dev/mlflow-db-login "));
    expect(put).toEqual([
      `password="$(openssl rand -base64 32 | tr -d '/+=')"; aws secretsmanager put-secret-value --region eu-central-1 --secret-id mlops/dev/mlflow-db-login --secret-string "{\\"username\\":\\"mlflow_app\\",\\"password\\":\\"$password\\"}"`,
    ]);
    expect(secrets.note).toContain('mlops/dev/mlflow-db-login is MLflow\'s database login, {"username":"mlflow_app","password":"..."}');
    const read =
      'MLFLOW_DB_PASSWORD="$(aws secretsmanager get-secret-value --region eu-central-1 --secret-id mlops/dev/mlflow-db-login --query SecretString --output text | jq -r .password)"; export MLFLOW_DB_PASSWORD\n';
    expect(run.startsWith(read)).toBe(true);
    expect(steps.indexOf(secrets)).toBeLessThan(steps.indexOf(role));
  });

  test("GIVEN each cloud's database apply WHEN printed THEN it targets the migration job the role step starts", () => {
    for (const [cloud, type] of [["aws", "aws_ecs_task_definition"], ["azure", "azurerm_container_app_job"], ["gcp", "google_cloud_run_v2_job"]] as const) {
      const apply = stepsOf("dev", cloud).find((s) => s.title.startsWith("Database apply"))!;
      expect(apply.commands.join("\n")).toMatch(new RegExp(`-target=${type}\\.db-migrate_`));
    }
  });

  test("GIVEN dev on Azure, where MLflow logs in as mlflow_app, WHEN printed THEN the migration gives the role the password Terraform generated into Key Vault, as the server admin", () => {
    const steps = stepsOf("dev", "azure");
    const role = steps.find((s) => s.title.startsWith("Create MLflow's database role"))!;
    expect(role.title).toContain("(mlflow_app)");
    const migrate = migrationCommand(role);
    // The role's password is read where the SQL is built; the admin's password the job reads itself.
    expect(migrate).toMatch(/^MLFLOW_DB_PASSWORD="\$\(az keyvault secret show --vault-name mlops-dev-kv-[0-9a-f]+ --name mlflow-db-role-password --query value --output tsv\)"; export MLFLOW_DB_PASSWORD\n/);
    expect(migrate).not.toContain("mlflow-db-password");
    expect(parseOptions(emitArgs(migrate), { MLFLOW_DB_PASSWORD: "a-long-enough-password" })).toMatchObject({ role: "mlflow_app", login: "password", adminUser: "mlflowadmin", database: "mlflow", schema: "mlflow", extensions: [] });
  });

  test("GIVEN dev on Azure with Airflow WHEN printed THEN a step after MLflow's creates Airflow's login in its own database and schema, with the password of airflow-db-password", () => {
    const steps = stepsOf("dev", "azure");
    const mlflow = steps.findIndex((s) => s.title.startsWith("Create MLflow's database role"));
    const airflow = steps.findIndex((s) => s.title === "Create Airflow's database role (airflow) with scripts/database-migrate.ts, in the migration job");
    const full = steps.findIndex((s) => s.title.startsWith("Full apply"));
    expect(mlflow).toBeGreaterThan(0);
    expect([mlflow < airflow, airflow < full]).toEqual([true, true]);
    const migrate = migrationCommand(steps[airflow]);
    expect(migrate).toMatch(/^AIRFLOW_DB_PASSWORD="\$\(az keyvault secret show --vault-name mlops-dev-kv-[0-9a-f]+ --name airflow-db-password --query value --output tsv\)"; export AIRFLOW_DB_PASSWORD\n/);
    expect(parseOptions(emitArgs(migrate), { AIRFLOW_DB_PASSWORD: "a-long-enough-password" })).toMatchObject({ role: "airflow", login: "password", database: "airflow", schema: "airflow", adminUser: "mlflowadmin" });
  });

  test.each(["dev", "prod"])("GIVEN %s on Azure WHEN the role steps read a login's password from Key Vault THEN the database apply before them created that secret", (env) => {
    const steps = stepsOf(env, "azure");
    const apply = steps.find((s) => s.title.startsWith("Database apply"))!;
    const targets = [...apply.commands[0].matchAll(/-target=(\S+)/g)].map((m) => m[1]);
    const stack = azureStack(env);
    // Terraform also creates what the targets' ephemeral reads name (the server's admin password read-back names its secret's version).
    const ephemeral = (stack as { ephemeral?: Record<string, Record<string, Record<string, unknown>>> }).ephemeral ?? {};
    let created = closureOf(stack, targets);
    for (let grown = true; grown; ) {
      const before = created.size;
      const hops = [...created].flatMap((a) => {
        const [type, name] = a.split(".");
        return [...JSON.stringify(stack.resource?.[type]?.[name] ?? {}).matchAll(/ephemeral\.([a-z_]+)\.([A-Za-z0-9_-]+)\./g)].flatMap(([, t, n]) => [...referencesOf(ephemeral[t]?.[n] ?? {})]);
      });
      created = closureOf(stack, [...created, ...hops]);
      grown = created.size > before;
    }
    const read = steps.filter((s) => s.title.includes("database role")).flatMap((s) => s.commands.flatMap((c) => [...c.matchAll(/az keyvault secret show --vault-name \S+ --name (\S+)/g)].map((m) => m[1])));
    expect(new Set(read)).toEqual(new Set(["mlflow-db-role-password", "airflow-db-password"]));
    const names = new Set([...created].filter((a) => a.startsWith("azurerm_key_vault_secret.")).map((a) => stack.resource!.azurerm_key_vault_secret[a.split(".")[1]].name));
    for (const name of read) expect([name, names.has(name)]).toEqual([name, true]);
  });

  test("GIVEN dev on Google Cloud, whose instance loads pgaudit WHEN printed THEN MLflow's migration also creates the extension in MLflow's database", () => {
    const role = stepsOf("dev", "gcp").find((s) => s.title.startsWith("Create MLflow's database role"))!;
    expect(parseOptions(emitArgs(migrationCommand(role)), {})).toMatchObject({ database: "mlflow", extensions: ["pgaudit"] });
    expect(role.note).toMatch(/Also creates the extension pgaudit in mlflow/);
    expect(stepsOf("dev", "gcp").filter((s) => s.title.includes("database role"))).toHaveLength(1); // Composer keeps its own database
  });

  test("GIVEN AWS, whose RDS has no pgaudit flag WHEN printed THEN no extension is asked for", () => {
    const role = stepsOf("dev", "aws").find((s) => s.title.startsWith("Create MLflow's database role"))!;
    expect(migrationCommand(role)).not.toContain("--extension");
  });
});

let azureStacks: Record<string, StackJson> = {};
function azureStack(env: string): StackJson {
  if (!azureStacks[env]) {
    const [loaded] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: env });
    azureStacks = { ...azureStacks, [env]: synthesizedStack(loaded, "azure", ROOT) };
  }
  return azureStacks[env];
}

describe("declared database logins (any cloud)", () => {
  const [dev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
  let devAws: StackJson | undefined;
  /** dev-aws's synthesized stack (synthesized once) plus an Airflow login declared the way modules/core/database-login.ts writes it. */
  const withDeclared = (): StackJson => {
    devAws ??= synthesizedStack(dev, "aws", ROOT);
    const stack = structuredClone(devAws) as StackJson & { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [db] = Object.keys(stack.resource.aws_db_instance);
    stack.resource.aws_secretsmanager_secret.airflow_login = { name: "mlops/dev/airflow-db-login" };
    return {
      ...stack,
      locals: {
        mlops_database_login_airflow: {
          owner: "Airflow",
          server: `\${aws_db_instance.${db}.id}`,
          database: "airflow",
          role: "airflow",
          schema: "airflow",
          login: "password",
          passwordSecret: "${aws_secretsmanager_secret.airflow_login.name}",
        },
      },
    };
  };

  test("GIVEN a self-hosted Airflow's login declared on AWS WHEN listed THEN it follows MLflow's, on the same server, with its own schema and password variable", () => {
    const logins = databaseLogins("aws", withDeclared());
    expect(logins.map((l) => [l.owner, l.role, l.database, l.schema, l.login, l.passwordEnv])).toEqual([
      ["MLflow", "mlflow_app", "mlflow", "mlflow", "password", "MLFLOW_DB_PASSWORD"],
      ["Airflow", "airflow", "airflow", "airflow", "password", "AIRFLOW_DB_PASSWORD"],
    ]);
    expect(logins[1]).toMatchObject({ server: logins[0].server, adminUser: logins[0].adminUser, passwordSecret: { name: "mlops/dev/airflow-db-login" }, writtenByRunbook: true });
  });

  test("GIVEN that declaration WHEN the AWS runbook is printed THEN its step reads the password the runbook put into its login secret, with no per-cloud code for Airflow", () => {
    const steps = day0Steps(dev.config, "aws", { services: [], stack: withDeclared() });
    const airflow = steps.find((s) => s.title === "Create Airflow's database role (airflow) with scripts/database-migrate.ts, in the migration job")!;
    const migrate = migrationCommand(airflow);
    expect(migrate).toContain('AIRFLOW_DB_PASSWORD="$(aws secretsmanager get-secret-value --region eu-central-1 --secret-id mlops/dev/airflow-db-login --query SecretString --output text | jq -r .password)"; export AIRFLOW_DB_PASSWORD\n');
    expect(parseOptions(emitArgs(migrate), { AIRFLOW_DB_PASSWORD: "a-long-enough-password" })).toMatchObject({ role: "airflow", database: "airflow", schema: "airflow" });
    const secrets = steps.find((s) => s.title.startsWith("Set the secret values"))!;
    expect(secrets.commands.some((c) => c.includes("--secret-id mlops/dev/airflow-db-login "))).toBe(true);
  });

  test("GIVEN a self-hosted Airflow's login declared on Google Cloud WHEN the runbook is printed THEN its step reads the password from Secret Manager and runs in the same migration job", () => {
    const [gdev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
    const stack = synthesizedStack(gdev, "gcp", ROOT) as StackJson & { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [instance] = Object.keys(stack.resource.google_sql_database_instance);
    stack.resource.google_secret_manager_secret = { ...stack.resource.google_secret_manager_secret, airflow_db: { secret_id: "mlops-dev-airflow-db-password" } };
    const declared = {
      ...stack,
      locals: {
        mlops_database_login_airflow: {
          owner: "Airflow",
          server: `\${google_sql_database_instance.${instance}.name}`,
          database: "airflow",
          role: "airflow",
          schema: "airflow",
          login: "password",
          passwordSecret: "${google_secret_manager_secret.airflow_db.secret_id}",
        },
      },
    };
    const steps = day0Steps(gdev.config, "gcp", { services: [], stack: declared });
    const migrate = migrationCommand(steps.find((s) => s.title === "Create Airflow's database role (airflow) with scripts/database-migrate.ts, in the migration job")!);
    expect(migrate.startsWith('AIRFLOW_DB_PASSWORD="$(gcloud secrets versions access latest --secret mlops-dev-airflow-db-password --project mlops-dev-1234)"; export AIRFLOW_DB_PASSWORD\n')).toBe(true);
    const argv = emitArgs(migrate);
    // The instance loads pgaudit: every database on it gets the extension, Airflow's too.
    expect(parseOptions(argv, { AIRFLOW_DB_PASSWORD: "a-long-enough-password" })).toMatchObject({ role: "airflow", login: "password", database: "airflow", schema: "airflow", adminUser: "postgres", extensions: ["pgaudit"] });
  });

  test("GIVEN dev on AWS with airflow.mode self-hosted WHEN the runbook is printed THEN Airflow's step creates its database too and reads the password Terraform generated (plain, no JSON)", () => {
    const selfHosted = { ...dev, config: { ...dev.config, airflow: { ...dev.config.airflow!, mode: "self-hosted" as const } } };
    const stack = synthesizedStack(selfHosted, "aws", ROOT);
    const steps = day0Steps(selfHosted.config, "aws", { services: [], stack });
    const airflow = steps.find((s) => s.title === "Create Airflow's database role (airflow) with scripts/database-migrate.ts, in the migration job")!;
    const migrate = migrationCommand(airflow);
    expect(migrate).toMatch(/^AIRFLOW_DB_PASSWORD="\$\(aws secretsmanager get-secret-value --region eu-central-1 --secret-id mlops\/dev\/airflow-db-password --query SecretString --output text\)"; export AIRFLOW_DB_PASSWORD\n/);
    expect(parseOptions(emitArgs(migrate), { AIRFLOW_DB_PASSWORD: "a-long-enough-password" })).toMatchObject({ role: "airflow", database: "airflow", schema: "airflow", createDatabase: true });
    // The database apply before it creates that generated password.
    const apply = steps.find((s) => s.title.startsWith("Database apply"))!;
    // The value, not only the container: an empty secret cannot be read back.
    expect(apply.commands[0]).toMatch(/-target=aws_secretsmanager_secret_version\.airflow_secrets_airflow-db-password-value_/);
  });

  test("GIVEN dev on Google Cloud with airflow.mode self-hosted WHEN the runbook is printed THEN Airflow's step gives the existing IAM user its database, with no password", () => {
    const [gdev] = loadEnvironments({ dir: path.join(ROOT, "environments"), root: ROOT, select: "dev" });
    const selfHosted = { ...gdev, config: { ...gdev.config, airflow: { ...gdev.config.airflow!, mode: "self-hosted" as const } } };
    const stack = synthesizedStack(selfHosted, "gcp", ROOT);
    const airflowLogin = databaseLogins("gcp", stack).find((l) => l.owner === "Airflow")!;
    expect(airflowLogin).toMatchObject({ role: "mlops-dev-airflow@mlops-dev-1234.iam", login: "existing", database: "airflow", schema: "airflow", adminUser: "postgres", writtenByRunbook: false });
    expect(airflowLogin.passwordSecret).toBeUndefined();
    const steps = day0Steps(selfHosted.config, "gcp", { services: [], stack });
    const migrate = migrationCommand(steps.find((s) => s.title === "Create Airflow's database role (mlops-dev-airflow@mlops-dev-1234.iam) with scripts/database-migrate.ts, in the migration job")!);
    expect(migrate).not.toContain("AIRFLOW_DB_PASSWORD");
    // The IAM user and its database exist before that step: the database apply creates them.
    const apply = steps.find((s) => s.title.startsWith("Database apply"))!;
    expect(apply.commands[0]).toMatch(/-target=google_sql_user\.airflow_database-user_\w+/);
    expect(apply.commands[0]).toMatch(/-target=google_sql_database\.airflow_database_\w+/);
    expect(parseOptions(emitArgs(migrate), {})).toMatchObject({ role: "mlops-dev-airflow@mlops-dev-1234.iam", login: "existing", database: "airflow", schema: "airflow", extensions: ["pgaudit"] });
  });

  test("GIVEN a declaration naming a server the stack does not have WHEN listed THEN the error names the local and what it found", () => {
    const stack = withDeclared();
    const broken = { ...stack, locals: { mlops_database_login_airflow: { ...(stack.locals!.mlops_database_login_airflow as object), server: "${aws_db_instance.gone.id}" } } };
    expect(() => databaseLogins("aws", broken)).toThrow(/locals\.mlops_database_login_airflow: expected server to name a aws_db_instance of the stack, found "\$\{aws_db_instance\.gone\.id\}"/);
  });
});

describe("secrets the runbook sets", () => {
  test("GIVEN a secret that a version resource writes WHEN listed THEN only the one without a value is left to the runbook", () => {
    const json = {
      resource: {
        aws_secretsmanager_secret: { a: { name: "p/dev/a" }, b: { name: "p/dev/b" } },
        aws_secretsmanager_secret_version: { b: { secret_id: "${aws_secretsmanager_secret.b.id}", secret_string_wo: "x" } },
      },
    };
    expect(secretsWithoutValue("aws", json)).toEqual([{ address: "aws_secretsmanager_secret.a", name: "p/dev/a" }]);
  });
});

describe("literal names behind references", () => {
  const json = {
    resource: {
      google_sql_user: { u: { name: "svc@p.iam", instance: "${google_sql_database_instance.i.name}" } },
      google_sql_database: { d: { name: "${google_sql_database_instance.i.name}" } },
      google_sql_database_instance: { i: { name: "mlops-dev-mlflow" } },
    },
  };

  test("GIVEN a whole reference to a resource's argument WHEN resolved THEN it is that argument's literal, followed through further references", () => {
    expect(resolveLiteral(json, "${google_sql_user.u.name}")).toBe("svc@p.iam");
    expect(resolveLiteral(json, "${google_sql_database.d.name}")).toBe("mlops-dev-mlflow");
    expect(resolveLiteral(json, "mlflow")).toBe("mlflow");
  });

  test("GIVEN a reference to an attribute known only after apply, or text around a token WHEN resolved THEN it is returned unchanged", () => {
    expect(resolveLiteral(json, "${google_sql_user.u.id}")).toBe("${google_sql_user.u.id}");
    expect(resolveLiteral(json, "${google_sql_user.missing.name}")).toBe("${google_sql_user.missing.name}");
    expect(resolveLiteral(json, "x-${google_sql_user.u.name}")).toBe("x-${google_sql_user.u.name}");
  });
});
