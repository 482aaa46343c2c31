/**
 * Day 0's database migration as a one-off ECS Fargate task in the private subnets, so nobody needs a
 * machine in the VPC to reach the private RDS instance: `npm run day0` starts it with `aws ecs run-task`,
 * passing the SQL as a container override, and waits for it to stop (scripts/day0-steps.ts).
 *
 * It runs the official PostgreSQL image's psql (modules/core/database-migration.ts) as the master user:
 * PGPASSWORD is the `password` key of the RDS-managed master secret, injected by ECS. The execution role
 * may read that one secret (and decrypt with its key), write to the job's log group, nothing else; there
 * is no task role, so the container holds no AWS credentials. Its security group admits nothing and lets
 * out only PostgreSQL to the database's group and HTTPS (image pull through NAT, logs, Secrets Manager:
 * on Fargate 1.4 those go through the task's own network interface). No public IP: the day-0 command
 * passes `assignPublicIp=DISABLED`, and the subnets are private.
 *
 * Who may start it: RunTask needs iam:PassRole on the execution role, which only the builder (and the
 * operator's own administrator login) holds; no workload policy in the stack names it.
 * Deliberately not created: a service, a schedule, a task role.
 */
import { Construct, IConstruct } from "constructs";
import { TerraformResource } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { PlatformDatabaseMigrationJob } from "../core/contracts";
import { MIGRATION_CLIENT_IMAGE, MIGRATION_CONTAINER, migrationCommand } from "../core/database-migration";
import { Naming } from "../core/naming";
import type { Database } from "./database";
import { serviceTrustPolicy } from "./private/iam";

export interface DatabaseMigrationJobProps {
  readonly naming: Naming;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** The private subnets the task runs in (the day-0 command passes them to RunTask). */
  readonly subnetIds: readonly string[];
  readonly database: Database;
  /** The key of the master secret and the log group. @default - AWS-managed keys */
  readonly customerManagedKey?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default MIGRATION_CLIENT_IMAGE */
  readonly image?: string;
  /**
   * Constructs whose resources the task must find in place (the network: NAT routes for the image pull and
   * the AWS APIs). Day 0's database apply targets the task: Terraform creates what it depends on, nothing more.
   * @default - none
   */
  readonly after?: readonly IConstruct[];
}

/** The migration task definition, its execution role, log group and security group. */
export class DatabaseMigrationJob extends Construct implements PlatformDatabaseMigrationJob {
  readonly jobName: string;
  readonly containerName = MIGRATION_CONTAINER;
  readonly logLocation: string;
  readonly taskDefinition: EcsTaskDefinition;
  readonly executionRole: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly securityGroup: SecurityGroup;
  /** The subnets RunTask places the task in. */
  readonly subnetIds: readonly string[];

  constructor(scope: Construct, id: string, props: DatabaseMigrationJobProps) {
    super(scope, id);
    const n = props.naming;
    const db = props.database;
    this.jobName = n.name("db-migrate");
    this.subnetIds = props.subnetIds;
    const logGroupName = `/mlops/${n.env}/db-migrate`;
    this.logLocation = `CloudWatch Logs ${logGroupName} (region ${props.region})`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", { name: logGroupName, retentionInDays: props.logRetentionDays ?? 30, kmsKeyId: props.customerManagedKey });

    this.executionRole = new IamRole(this, "execution-role", {
      name: n.bounded(64, "db-migrate", "exec"),
      description: "Starts the day-0 database migration task: reads the RDS master secret, writes its logs",
      assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", props.accountId),
    });
    const executionPolicy = new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "MasterSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: db.masterSecretArn },
          ...(props.customerManagedKey ? [{ Sid: "MasterSecretKey", Effect: "Allow", Action: "kms:Decrypt", Resource: props.customerManagedKey }] : []),
          { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
        ],
      }),
    });

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: n.name("db-migrate"),
      description: "Day-0 database migration task: no inbound traffic",
      vpcId: props.vpcId,
      tags: { Name: n.name("db-migrate") },
    });
    const toHttps = new VpcSecurityGroupEgressRule(this, "to-https", {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS: image pull (through NAT), logs, Secrets Manager",
    });
    const toDatabase = new VpcSecurityGroupEgressRule(this, "to-database", {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: db.securityGroup.id,
      ipProtocol: "tcp",
      fromPort: db.port,
      toPort: db.port,
      description: "PostgreSQL to the MLflow database",
    });
    const admitted = db.allowFrom("db-migrate", this.securityGroup.id);

    const container = {
      name: this.containerName,
      image: props.image ?? MIGRATION_CLIENT_IMAGE,
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      // The image's unprivileged user (uid 70 in the Alpine variant).
      user: "postgres",
      command: migrationCommand(),
      environment: [
        { name: "PGHOST", value: db.endpoint },
        { name: "PGPORT", value: String(db.port) },
        { name: "PGUSER", value: db.instance.username },
        { name: "PGDATABASE", value: "postgres" },
        { name: "PGSSLMODE", value: "require" },
        { name: "PGCONNECT_TIMEOUT", value: "10" },
      ],
      secrets: [{ name: "PGPASSWORD", valueFrom: `${db.masterSecretArn}:password::` }],
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": "db-migrate" },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: this.jobName,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "256",
      memory: "512",
      executionRoleArn: this.executionRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      containerDefinitions: JSON.stringify([container]),
      // What a run needs but the task does not reference: its grants, its rules, the database's admission, the network.
      dependsOn: [executionPolicy, toHttps, toDatabase, admitted, ...(props.after ?? []).flatMap(resourcesUnder)],
    });
  }
}

function resourcesUnder(scope: IConstruct): TerraformResource[] {
  return scope.node.findAll().filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c));
}
