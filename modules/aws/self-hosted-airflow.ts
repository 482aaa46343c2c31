/**
 * Self-hosted Airflow 3 on ECS Fargate (`airflow.mode: "self-hosted"`, a cheap dev instead of
 * MWAA), the design of the Azure one (modules/azure/self-hosted-airflow.ts) on AWS: the official
 * apache/airflow image pinned by version and digest, one ECS service per component
 * (`AIRFLOW3_COMPONENTS`: API server, scheduler with LocalExecutor, DAG processor, triggerer) in the
 * private subnets, its metadata database as its own database and login on the environment's RDS
 * instance, its secrets generated into Secrets Manager (./private/airflow-secrets.ts) and read by
 * ARN, DAGs synced from the DAG bucket (the one MWAA would use, same construct id) by a sidecar into
 * a task volume, and the platform identifiers as `AIRFLOW_VAR_*`.
 *
 * Reachable only inside the VPC: no load balancer, no public IP; the API server registers in a
 * private Cloud Map namespace (`api-server.<name>.internal:8080`), which the other components use
 * for the task execution API. Operators open the UI through ECS Exec port forwarding (README:
 * "Open Airflow"). The task role may do what the DAGs do (./private/airflow-dag-statements.ts:
 * RunTask on the transform and train families, PassRole on their roles, the data buckets), read the
 * DAG bucket's `dags/`, and open ECS Exec channels.
 *
 * NOT created here: the database and its login (RDS has no Terraform resource for them and the
 * instance is private). The day-0 migration creates both from the login this module declares (modules/core/database-login.ts); until then
 * `db migrate` fails and the scheduler does not start (its alarm fires). The first UI user:
 * `airflow users create --role Admin ...` through ECS Exec in the API server.
 */
import { Construct } from "constructs";
import { dependable, ITerraformDependable } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { ServiceDiscoveryService } from "@cdktf/provider-aws/lib/service-discovery-service";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import {
  AIRFLOW3_COMPONENTS,
  AIRFLOW_DATABASE,
  AIRFLOW_DATABASE_ROLE,
  AIRFLOW_IMAGE,
  AIRFLOW_PASSWORD_LOGIN_SECRET_ENV,
  AirflowCommonProps,
  AirflowComponent,
  AirflowImage,
  AirflowSize,
  DagStore,
  imageDigestProblem,
  imageReference,
  PlatformAirflow,
  resolveAirflowCommon,
  variablesAsEnvironment,
} from "../core/airflow";
import { ConsoleLink } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { declareDatabaseLogin } from "../core/database-login";
import { DagBucket } from "./private/dag-bucket";
import { AirflowDagScope, dagStatements } from "./private/airflow-dag-statements";
import { AirflowSecrets } from "./private/airflow-secrets";
import { airflowContainers, airflowVolumes, DAG_FOLDER } from "./private/airflow-containers";
import { DAG_SYNC_SCRIPT } from "./private/dag-sync";
import { SelfHostedAirflowAlarms } from "./private/airflow-alarms";
import { serviceTrustPolicy } from "./private/iam";
import { awsDagVariables } from "./private/airflow-dag-variables";

/** Fargate CPU units per shared size, for a component of 1000 millicores (smaller ones get half). */
const SCALE: Readonly<Record<AirflowSize, number>> = { small: 1, medium: 2, large: 4 };
/** Memory the DAG sync sidecar reserves inside a component's task, MiB. */
const SIDECAR_MIB = 256;

export interface SelfHostedAirflowProps extends AirflowCommonProps, AirflowDagScope {
  readonly naming: Naming;
  readonly vpcId: string;
  /** Private subnets the components run in (no public IP). */
  readonly privateSubnetIds: readonly string[];
  /** Subnets and security groups the DAGs launch the jobs into (Variables `mlops_ecs_subnets`, `mlops_ecs_security_groups`). */
  readonly jobSubnetIds: readonly string[];
  readonly jobSecurityGroupIds: readonly string[];
  /**
   * The environment's RDS instance: its identifier (`server`, a reference, for the day-0 login declaration),
   * address, port and security group (the stack admits this Airflow's group).
   */
  readonly database: { readonly server: string; readonly host: string; readonly port: number; readonly securityGroupId: string };
  /** The platform's access-log bucket (name): the DAG bucket logs its requests there. @default - no server access logging */
  readonly accessLogBucket?: string;
  /** What logging into `accessLogBucket` waits for. @default - none */
  readonly accessLogDependsOn?: readonly ITerraformDependable[];
  /** SNS topic ARN the alarms notify. */
  readonly alertTopicArn: string;
  /** KMS key for the DAG bucket, logs and secrets. @default - SSE-S3, AWS-managed keys */
  readonly customerManagedKey?: string;
  /** Allow `terraform destroy` to empty the DAG bucket (throwaway environments). @default false */
  readonly forceDestroy?: boolean;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Days a deleted Airflow secret can be restored. @default 30 */
  readonly secretRecoveryDays?: number;
  /** Bump to rotate every generated secret. @default 1 */
  readonly secretVersion?: number;
  /** Run the components on Fargate Spot. @default false */
  readonly spotCapacity?: boolean;
  /** @default AIRFLOW_IMAGE */
  readonly image?: AirflowImage;
  /** Task failures in 5 minutes that alarm. @default 1 */
  readonly failedTaskThreshold?: number;
}

/** Airflow 3 as four Fargate services, their roles, secrets, DAG bucket, discovery and alarms. */
export class SelfHostedAirflow extends Construct implements PlatformAirflow {
  readonly mode = "self-hosted" as const;
  readonly dagBucket: DagBucket;
  readonly securityGroup: SecurityGroup;
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;
  readonly services: Readonly<Record<AirflowComponent["name"], EcsService>>;
  readonly dagStore: DagStore;
  readonly uiUrl: string;
  readonly links: readonly ConsoleLink[];
  readonly identity: string;
  readonly variables: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: SelfHostedAirflowProps) {
    super(scope, id);
    const image = props.image ?? AIRFLOW_IMAGE;
    const { resolved, problems } = resolveAirflowCommon(props, [imageDigestProblem(image)]);
    if (problems.length > 0) throw new ValidationError(problems.join("; "), this);
    const n = props.naming;
    const kms = props.customerManagedKey ? [props.customerManagedKey] : [];

    this.dagBucket = new DagBucket(this, "dags", {
      name: n.bounded(63, "airflow", props.accountId),
      kmsKeyArn: props.customerManagedKey,
      forceDestroy: props.forceDestroy ?? false,
      accessLogBucket: props.accessLogBucket,
      accessLogDependsOn: props.accessLogDependsOn,
    });
    const bucket = this.dagBucket.bucket;

    // Components talk to the API server (task execution API) and to the database; out: AWS APIs and the image registry over HTTPS.
    const apiPort = AIRFLOW3_COMPONENTS.find((c) => c.name === "api-server")?.port ?? 8080;
    this.securityGroup = new SecurityGroup(this, "sg", { name: n.name("airflow"), description: "Self-hosted Airflow components: API server from each other only", vpcId: props.vpcId, tags: { Name: n.name("airflow") } });
    const sg = this.securityGroup.id;
    new VpcSecurityGroupIngressRule(this, "sg-api", { securityGroupId: sg, referencedSecurityGroupId: sg, ipProtocol: "tcp", fromPort: apiPort, toPort: apiPort, description: "Airflow API server from the components" });
    new VpcSecurityGroupEgressRule(this, "sg-to-api", { securityGroupId: sg, referencedSecurityGroupId: sg, ipProtocol: "tcp", fromPort: apiPort, toPort: apiPort, description: "to the Airflow API server" });
    new VpcSecurityGroupEgressRule(this, "sg-to-database", { securityGroupId: sg, referencedSecurityGroupId: props.database.securityGroupId, ipProtocol: "tcp", fromPort: props.database.port, toPort: props.database.port, description: "to the metadata database" });
    new VpcSecurityGroupEgressRule(this, "sg-to-https", { securityGroupId: sg, cidrIpv4: "0.0.0.0/0", ipProtocol: "tcp", fromPort: 443, toPort: 443, description: "HTTPS to AWS APIs and the image registry" });

    const namespaceName = `${n.name("airflow")}.internal`;
    const namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", { name: namespaceName, vpc: props.vpcId, description: "Self-hosted Airflow: the API server's private name" });
    const discovery = new ServiceDiscoveryService(this, "api-discovery", {
      name: "api-server",
      dnsConfig: { namespaceId: namespace.id, routingPolicy: "MULTIVALUE", dnsRecords: [{ type: "A", ttl: 10 }] },
      forceDestroy: true,
    });
    this.uiUrl = `http://api-server.${namespaceName}:${apiPort}`;

    const secrets = new AirflowSecrets(this, "secrets", {
      naming: n,
      databaseHost: props.database.host,
      databasePort: props.database.port,
      databaseName: AIRFLOW_DATABASE,
      databaseLogin: AIRFLOW_DATABASE_ROLE,
      version: props.secretVersion ?? 1,
      customerManagedKey: props.customerManagedKey,
      recoveryWindowDays: props.secretRecoveryDays ?? 30,
    });
    // Day 0's migration step creates the database and the login from this declaration (RDS has neither as a resource).
    declareDatabaseLogin(this, "airflow", {
      owner: "Airflow",
      server: props.database.server,
      database: AIRFLOW_DATABASE,
      role: AIRFLOW_DATABASE_ROLE,
      schema: "airflow",
      login: "password",
      passwordSecret: secrets.secrets["airflow-db-password"].name,
      createDatabase: true,
    });

    const logGroups = Object.fromEntries(
      AIRFLOW3_COMPONENTS.map((c) => [c.name, new CloudwatchLogGroup(this, `logs-${c.name}`, { name: `/mlops/${n.env}/airflow/${c.name}`, retentionInDays: props.logRetentionDays ?? 30, kmsKeyId: props.customerManagedKey })]),
    ) as Record<AirflowComponent["name"], CloudwatchLogGroup>;

    const trust = serviceTrustPolicy("ecs-tasks.amazonaws.com", props.accountId);
    this.executionRole = new IamRole(this, "execution-role", { name: n.bounded(64, "airflow-exec"), assumeRolePolicy: trust, description: "Self-hosted Airflow: write logs, read its secrets" });
    this.taskRole = new IamRole(this, "task-role", { name: n.bounded(64, "airflow-task"), assumeRolePolicy: trust, description: "Self-hosted Airflow: starts the transform and train tasks, data bucket objects, DAG bucket" });
    const usedSecrets = Object.values(AIRFLOW_PASSWORD_LOGIN_SECRET_ENV).map((s) => secrets.secrets[s].arn);
    const policies = [
      new IamRolePolicy(this, "execution-policy", {
        role: this.executionRole.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "Logs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: Object.values(logGroups).map((g) => `${g.arn}:*`) },
            { Sid: "Secrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: usedSecrets },
            ...(kms.length > 0 ? [{ Sid: "Key", Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
          ],
        }),
      }),
      new IamRolePolicy(this, "task-policy", {
        role: this.taskRole.id,
        name: "airflow-dags",
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            ...dagStatements(props),
            { Sid: "ListDags", Effect: "Allow", Action: "s3:ListBucket", Resource: bucket.arn, Condition: { StringLike: { "s3:prefix": ["dags/*", "dags/"] } } },
            { Sid: "ReadDags", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucket.arn}/dags/*` },
            // ECS Exec (operators' port forwarding to the UI): the channels have no resource-level permissions.
            { Sid: "EcsExec", Effect: "Allow", Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource: "*" },
            ...(kms.length > 0 ? [{ Sid: "Key", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kms }] : []),
          ],
        }),
      }),
    ];

    const variables = awsDagVariables(this, props, resolved.extraVariables);
    this.variables = variables;

    const environment = {
      // The root filesystem is read-only: every airflow command writes airflow.cfg when it finds none, and the FAB auth
      // manager writes webserver_config.py (apache/airflow#43910: "Read-only file system"); both go to the writable /tmp.
      AIRFLOW_CONFIG: "/tmp/airflow.cfg",
      AIRFLOW__FAB__CONFIG_FILE: "/tmp/webserver_config.py",
      AIRFLOW__CORE__EXECUTOR: "LocalExecutor",
      // LocalExecutor slots: tasks only start and watch jobs, so a few per "worker" of the shared config.
      AIRFLOW__CORE__PARALLELISM: String(resolved.maxWorkers * 8),
      AIRFLOW__CORE__LOAD_EXAMPLES: "False",
      AIRFLOW__CORE__DAGS_FOLDER: DAG_FOLDER,
      AIRFLOW__CORE__AUTH_MANAGER: "airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager",
      AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${this.uiUrl}/execution/`,
      AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: "True",
      AIRFLOW__SCHEDULER__CATCHUP_BY_DEFAULT: "False",
      AWS_DEFAULT_REGION: props.region,
      ...variablesAsEnvironment(variables),
    };
    const secretArns = Object.fromEntries(Object.entries(AIRFLOW_PASSWORD_LOGIN_SECRET_ENV).map(([env, s]) => [env, secrets.secrets[s].arn]));
    const ref = imageReference(image);
    const scale = SCALE[resolved.size];
    const service = (c: AirflowComponent): EcsService => {
      const cpu = (c.cpuMillicores >= 1000 ? 1024 : 512) * scale;
      const memory = cpu * 2;
      const task = new EcsTaskDefinition(this, `${c.name}-task`, {
        family: n.name("airflow", c.name),
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(cpu),
        memory: String(memory),
        executionRoleArn: this.executionRole.arn,
        taskRoleArn: this.taskRole.arn,
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        volume: airflowVolumes(c),
        containerDefinitions: JSON.stringify(
          airflowContainers({ component: c, image: ref, region: props.region, logGroupName: logGroups[c.name].name, environment, secrets: secretArns, dagBucket: bucket.bucket, memoryMiB: c.readsDags ? memory - SIDECAR_MIB : memory, dagSyncScript: DAG_SYNC_SCRIPT }),
        ),
      });
      const api = c.name === "api-server";
      return new EcsService(this, c.name, {
        name: `airflow-${c.name}`,
        cluster: props.clusterArn,
        taskDefinition: task.arn,
        desiredCount: 1,
        capacityProviderStrategy: [{ capacityProvider: props.spotCapacity ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
        platformVersion: "LATEST",
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        // Operators reach the UI through ECS Exec port forwarding into the API server only.
        enableExecuteCommand: api,
        // One replica each: the API server starts its successor first, the others are replaced in place.
        deploymentMinimumHealthyPercent: api ? 100 : 0,
        deploymentMaximumPercent: api ? 200 : 100,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        networkConfiguration: { subnets: [...props.privateSubnetIds], securityGroups: [sg], assignPublicIp: false },
        ...(api ? { serviceRegistries: { registryArn: discovery.arn } } : {}),
        // Roles' grants and secret values first: a task that starts earlier cannot read its secrets.
        dependsOn: [...policies, ...secrets.versions],
      });
    };
    this.services = Object.fromEntries(AIRFLOW3_COMPONENTS.map((c) => [c.name, service(c)])) as Record<AirflowComponent["name"], EcsService>;

    this.dagStore = { kind: "s3", bucket: bucket.bucket, prefix: "dags/" };
    this.identity = this.taskRole.arn;
    const r = props.region;
    this.links = [
      { label: "Airflow UI (inside the VPC: ECS Exec port forwarding, README)", url: this.uiUrl },
      { label: "Airflow API server service", url: `https://${r}.console.aws.amazon.com/ecs/v2/clusters/${props.clusterName}/services/airflow-api-server/health?region=${r}` },
    ];
    new SelfHostedAirflowAlarms(this, "alarms", {
      naming: n,
      clusterName: props.clusterName,
      services: Object.fromEntries(Object.entries(this.services).map(([k, s]) => [k, s.name])),
      schedulerLogGroupName: logGroups.scheduler.name,
      alertTopicArn: props.alertTopicArn,
      failedTaskThreshold: props.failedTaskThreshold ?? 1,
    });
  }

  /** Makes every component's service wait for `dependency` (the database's rule admitting this Airflow). */
  waitFor(dependency: ITerraformDependable): void {
    for (const s of Object.values(this.services)) s.dependsOn = [...(s.dependsOn ?? []), dependable(dependency)];
  }

  /** Lets the role that mirrors DAGs (the deploy workflow's) write `dags/` of the DAG bucket, nothing else. */
  allowDagWriter(id: string, roleName: string): IamRolePolicy {
    return this.dagBucket.allowWriter(id, roleName);
  }
}
