/** The day-0 runbook on AWS: SSO login, the ECS service-linked role, ECR pushes, Secrets Manager values, the migration task on ECS. */
import type { AwsCloudConfig } from "../environments/schema";
import { MIGRATION_CONTAINER, MIGRATION_OUTPUTS, MIGRATION_SQL_VARIABLE } from "../modules/core/database-migration";
import { Context, Day0Step, ECS_OVERRIDES_LIMIT, emitSql, script } from "./day0-context";

/** The day-0 steps on AWS, in order (the shared ones from `Context`, this cloud's commands in them). */
export function awsSteps(ctx: Context, aws: AwsCloudConfig): Day0Step[] {
  const r = `--region ${aws.region}`;
  return [
    ctx.loginStep("Log in with your own short-lived credentials", ["aws sso login", `test "$(aws sts get-caller-identity --query Account --output text)" = ${aws.accountId}`]),
    ctx.prepareStep("Prepare the account (account-wide, once)", "ECS creates its service-linked role asynchronously on first use, and the first cluster call fails while it does.", [
      "aws iam get-role --role-name AWSServiceRoleForECS >/dev/null 2>&1 || aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com",
    ]),
    ctx.stateSteps(),
    ...ctx.afterState({
      handOver: [
        { name: "AWS_ROLE_ARN_INFRA_BUILDER", scope: "environment", output: "ci_builder" },
        { name: `AWS_ROLE_ARN_DEVELOPER_${ctx.envVar}`, scope: "repository", output: "ci_developer" },
        { name: `AWS_ROLE_ARN_PUBLISHER_${ctx.envVar}`, scope: "repository", output: "ci_publisher" },
      ],
      // An assignment, so bash's errexit stops the step when openssl fails (a failed $(...) inside an argument would not).
      secret: (s, login) =>
        login
          ? // MLflow's login: a password database-migrate.ts accepts (printable, no JSON escaping), stored as the JSON MLflow reads.
            `password="$(openssl rand -base64 32 | tr -d '/+=')"; aws secretsmanager put-secret-value ${r} --secret-id ${s} --secret-string "{\\"username\\":\\"${login.role}\\",\\"password\\":\\"$password\\"}"`
          : `value="$(openssl rand -base64 48)"; aws secretsmanager put-secret-value ${r} --secret-id ${s} --secret-string "$value"`,
      reach:
        "The database is private: the stack's migration task (ECS Fargate, private subnets, a security group the database\n" +
        "admits) runs the SQL printed here as the master user, whose password ECS reads from RDS's own secret.\n" +
        "This waits for the task to stop and fails with its exit code and log stream.",
      migrate: (db) => {
        const out = (name: string) => `"$(${ctx.tf(ctx.stack)} output -raw ${name})"`;
        const logGroup = `/mlops/${ctx.env.name}/db-migrate`;
        const v = db.passwordEnv;
        // The role gets the password the application reads: MLflow's login secret the secrets step wrote ({"username","password"}),
        // or the plain value Terraform generated (a self-hosted Airflow's).
        const rolePassword =
          db.login !== "password"
            ? []
            : db.passwordSecret
              ? [`${v}="$(aws secretsmanager get-secret-value ${r} --secret-id ${db.passwordSecret.name} --query SecretString --output text${db.writtenByRunbook ? " | jq -r .password" : ""})"; export ${v}`]
              : [`: "\${${v}:?set ${v} to the password ${db.owner} reads for ${db.role}}"`];
        const overrides = `{\\"containerOverrides\\":[{\\"name\\":\\"${MIGRATION_CONTAINER}\\",\\"environment\\":[{\\"name\\":\\"${MIGRATION_SQL_VARIABLE}\\",\\"value\\":\\"$sql\\"}]}]}`;
        return [
          script([
            ...rolePassword,
            emitSql(db),
            `overrides="${overrides}"`,
            `if [ "\${#overrides}" -gt ${ECS_OVERRIDES_LIMIT} ]; then echo "day0: the migration's overrides are \${#overrides} bytes, over RunTask's ${ECS_OVERRIDES_LIMIT}: run fewer statements per task (nothing was started)" >&2; exit 1; fi`,
            `cluster=${out(MIGRATION_OUTPUTS.cluster)}`,
            `task="$(aws ecs run-task ${r} --cluster "$cluster" --task-definition ${out(MIGRATION_OUTPUTS.job)} --launch-type FARGATE --count 1 ` +
              `--network-configuration "awsvpcConfiguration={subnets=[$(${ctx.tf(ctx.stack)} output -raw ${MIGRATION_OUTPUTS.subnets})],securityGroups=[$(${ctx.tf(ctx.stack)} output -raw ${MIGRATION_OUTPUTS.securityGroup})],assignPublicIp=DISABLED}" ` +
              `--overrides "$overrides" --query 'tasks[0].taskArn' --output text)"`,
            `if [ -z "$task" ] || [ "$task" = None ]; then echo "day0: ECS started no migration task (aws ecs run-task printed its failures above)" >&2; exit 1; fi`,
            `aws ecs wait tasks-stopped ${r} --cluster "$cluster" --tasks "$task"`,
            `code="$(aws ecs describe-tasks ${r} --cluster "$cluster" --tasks "$task" --query "tasks[0].containers[?name=='${MIGRATION_CONTAINER}'].exitCode | [0]" --output text)"`,
            `if [ "$code" != 0 ]; then echo "day0: the migration task \${task##*/} ended with exit code $code ($(aws ecs describe-tasks ${r} --cluster "$cluster" --tasks "$task" --query 'tasks[0].stoppedReason' --output text)); ` +
              `its output: CloudWatch Logs ${logGroup}, stream db-migrate/${MIGRATION_CONTAINER}/\${task##*/} (aws logs tail ${logGroup} ${r})" >&2; exit 1; fi`,
          ]),
        ];
      },
    }),
  ];
}
