/**
 * The day-0 step list as data: each step declares what it needs and what it makes, and no step needs
 * something a later step makes (issue 15: "no step depends on something a later step creates").
 */
import { parseOptions } from "../../scripts/database-migrate";
import { plan } from "../../scripts/day0";
import { resolveLiteral, secretsWithoutValue } from "../../scripts/day0-foundation";
import { Day0Capability, Day0Step } from "../../scripts/day0-steps";
import { ROOT } from "../support/synth";

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

function stepsOf(env: string, cloud: string): Day0Step[] {
  const p = plan(["--env", env, "--cloud", cloud, "--dry-run"], ROOT);
  if ("error" in p) throw new Error(p.error);
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

  test("GIVEN dev on Azure, where MLflow still connects as the server's admin user, WHEN printed THEN the step says so and runs nothing", () => {
    const role = stepsOf("dev", "azure").find((s) => s.title.startsWith("Create MLflow's database role"))!;
    expect(role.commands).toEqual([]);
    expect(role.note).toMatch(/connects as the server's admin user/);
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
