/**
 * The AWS migration task on the synthesized dev stack: in the private subnets behind a security group the
 * database admits, the master password from RDS's own secret, an execution role that can read only that,
 * no task role, and nothing else in the stack that could start it.
 */
import { MIGRATION_CLIENT_IMAGE, migrationCommand } from "../../../modules/core/database-migration";
import { databaseTargets, closureOf } from "../../../scripts/day0-foundation";
import { StackJson, synthProject } from "../../support/synth";

type Body = Record<string, unknown>;

const json: StackJson = synthProject({ select: "dev", clouds: ["aws"] }).json("dev-aws");
const of = (type: string) => Object.entries(json.resource?.[type] ?? {}) as [string, Body][];
const one = (type: string, name: RegExp): [string, Body] => {
  const found = of(type).filter(([n]) => name.test(n));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.map(([n]) => n).join(", ") || "none"}`);
  return found[0];
};
const [taskName, task] = one("aws_ecs_task_definition", /^db-migrate_/);
const [roleName] = one("aws_iam_role", /^db-migrate_execution-role/);
const [sgName] = one("aws_security_group", /^db-migrate_sg/);
const [dbName] = one("aws_db_instance", /^database_instance/);
const [dbSgName] = one("aws_security_group", /^database_sg/);
const [container] = JSON.parse(String(task.container_definitions)) as Body[];

describe("AWS database migration task", () => {
  test("GIVEN the task WHEN read THEN it is Fargate in awsvpc mode, with an execution role and no task role", () => {
    expect(task).toMatchObject({ family: "mlops-dev-db-migrate", requires_compatibilities: ["FARGATE"], network_mode: "awsvpc", execution_role_arn: `\${aws_iam_role.${roleName}.arn}` });
    expect(task.task_role_arn).toBeUndefined();
  });

  test("GIVEN its container WHEN read THEN it runs the pinned psql image's command as the master user, with the password from RDS's secret", () => {
    expect(container).toMatchObject({ name: "migrate", image: MIGRATION_CLIENT_IMAGE, command: migrationCommand(), readonlyRootFilesystem: true, privileged: false, user: "postgres" });
    expect(MIGRATION_CLIENT_IMAGE).toMatch(/^docker\.io\/library\/postgres:\d+\.\d+-alpine@sha256:[0-9a-f]{64}$/);
    expect(container.environment).toEqual(
      expect.arrayContaining([
        { name: "PGHOST", value: `\${aws_db_instance.${dbName}.address}` },
        { name: "PGUSER", value: `\${aws_db_instance.${dbName}.username}` },
        { name: "PGSSLMODE", value: "require" },
      ]),
    );
    expect(container.secrets).toEqual([{ name: "PGPASSWORD", valueFrom: `\${aws_db_instance.${dbName}.master_user_secret[0].secret_arn}:password::` }]);
    expect(JSON.stringify(container.environment)).not.toMatch(/PGPASSWORD/);
    // Terraform reads `${` and `%{` in a string as its own template syntax: the shell script has neither.
    expect((container.command as string[]).join(" ")).not.toMatch(/\$\{|%\{/);
    expect(container.logConfiguration).toMatchObject({ logDriver: "awslogs", options: { "awslogs-stream-prefix": "db-migrate" } });
  });

  test("GIVEN the execution role WHEN read THEN ECS tasks of this account assume it, and it reads the master secret and writes its logs, nothing else", () => {
    const [, role] = one("aws_iam_role", /^db-migrate_execution-role/);
    expect(JSON.parse(String(role.assume_role_policy)).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } },
    ]);
    const policies = of("aws_iam_role_policy").filter(([, p]) => String(p.role).includes(roleName));
    expect(policies).toHaveLength(1);
    const statements = JSON.parse(String(policies[0][1].policy)).Statement as Body[];
    expect(statements.map((s) => [s.Action, s.Resource])).toEqual([
      ["secretsmanager:GetSecretValue", `\${aws_db_instance.${dbName}.master_user_secret[0].secret_arn}`],
      [["logs:CreateLogStream", "logs:PutLogEvents"], expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.db-migrate_logs_[A-Z0-9]+\.arn\}:\*$/)],
    ]);
    expect(of("aws_iam_role_policy_attachment").filter(([, a]) => String(a.role).includes(roleName))).toEqual([]);
  });

  test("GIVEN the network WHEN read THEN nothing may reach the task, it reaches the database on 5432 and HTTPS only, and the database admits it", () => {
    const sgRef = `\${aws_security_group.${sgName}.id}`;
    expect(of("aws_vpc_security_group_ingress_rule").filter(([, r]) => r.security_group_id === sgRef)).toEqual([]);
    const egress = of("aws_vpc_security_group_egress_rule")
      .filter(([, r]) => r.security_group_id === sgRef)
      .map(([, r]) => ({ port: r.from_port, to: r.referenced_security_group_id ?? r.cidr_ipv4 }));
    expect(egress).toEqual(expect.arrayContaining([{ port: 443, to: "0.0.0.0/0" }, { port: 5432, to: `\${aws_security_group.${dbSgName}.id}` }]));
    expect(egress).toHaveLength(2);
    expect(of("aws_vpc_security_group_ingress_rule").map(([, r]) => r)).toContainEqual(
      expect.objectContaining({ security_group_id: `\${aws_security_group.${dbSgName}.id}`, referenced_security_group_id: sgRef, from_port: 5432, to_port: 5432 }),
    );
    // RunTask is given the private subnets only (the day-0 command also says assignPublicIp=DISABLED).
    expect(String(json.output?.database_migration_subnets?.value)).toMatch(/^\$\{join\(",", \[aws_subnet\.network_private-[^,]+\.id, aws_subnet\.network_private-[^\]]+\.id\]\)\}$/);
  });

  test("GIVEN day 0's database apply WHEN it targets the task THEN what a run needs comes with it: grants, rules, the database's admission, NAT routes", () => {
    const applied = closureOf(json, databaseTargets("aws", json));
    for (const needed of [/^aws_iam_role_policy\.db-migrate_/, /^aws_vpc_security_group_egress_rule\.db-migrate_to-database/, /^aws_vpc_security_group_ingress_rule\.database_from-db-migrate/, /^aws_route\.network_private-default/, /^aws_route_table_association\.network_private-assoc/, /^aws_nat_gateway\./]) {
      expect([...applied].some((a) => needed.test(a))).toBe(true);
    }
    expect(applied.has(`aws_ecs_task_definition.${taskName}`)).toBe(true);
    expect([...applied].some((a) => a.startsWith("aws_ecs_service."))).toBe(false);
  });

  test("GIVEN every other policy of the stack WHEN read THEN none may pass the task's role or run its task (only the builder's administrator access can)", () => {
    const others = of("aws_iam_role_policy").filter(([, p]) => !String(p.role).includes(roleName));
    for (const [, p] of others) {
      expect(String(p.policy)).not.toContain(roleName);
      expect(String(p.policy)).not.toContain(taskName);
      expect(String(p.policy)).not.toContain("db-migrate");
      // ... nor by wildcard: who may run tasks or pass roles names them.
      for (const st of JSON.parse(String(p.policy)).Statement as Body[]) {
        const actions = ([] as unknown[]).concat(st.Action);
        if (actions.some((a) => /^(iam:PassRole|ecs:RunTask|ecs:\*|iam:\*|\*)$/.test(String(a)))) expect(([] as unknown[]).concat(st.Resource)).not.toContain("*");
      }
    }
  });
});
