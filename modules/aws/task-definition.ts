/**
 * The ECS task definition of one workload and what it runs as: its log group, the execution role
 * (pull, logs, secrets by ARN) and the task role (only the buckets the spec names, the database
 * secret for re-reads after rotation), and the one container with the platform's environment
 * contract (modules/core/container-contract.ts) in ECS syntax. Resources are created in the
 * caller's scope, so their addresses stay those of the workload.
 *
 * Secure defaults: read-only root filesystem with a scratch /tmp, separate execution and task roles
 * (Checkov CKV_AWS_249), secrets by ARN only (cdk-nag ECS2 bans secret values in env).
 */
import { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { ContainerFacts, containerEnvironment, DATABASE_PASSWORD_SECRET } from "../core/container-contract";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import type { BucketAccess, BucketPurpose, ResolvedService } from "../core/workload-spec";
import { ECR_PULL_ACTIONS, serviceTrustPolicy } from "./private/iam";

/** Fargate CPU units per cloud-neutral millicore size. */
const FARGATE_CPU: Record<number, number> = { 250: 256, 500: 512, 1000: 1024, 2000: 2048, 4000: 4096 };

const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"];
const WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

export interface TaskDefinitionProps {
  readonly naming: Naming;
  readonly region: string;
  readonly spec: ResolvedService;
  /** `<registry>/<repo>` to pull from; the tag or digest comes from the spec's image. */
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  /** Bucket ARNs by purpose, for the buckets the spec names. */
  readonly bucketArns: Readonly<Record<BucketPurpose, string>>;
  /** Secrets Manager ARN per logical secret the spec reads. */
  readonly secretArns: Readonly<Record<string, string>>;
  /** The RDS-managed master secret, for `usesDatabase` workloads. */
  readonly databaseSecretArn?: string;
  /** What the container contract needs from AWS. */
  readonly facts: ContainerFacts;
  readonly customerManagedKey?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/** What the task definition step made. */
export interface FargateTask {
  readonly logGroup: CloudwatchLogGroup;
  /** The log group's name as a literal (for console links). */
  readonly logGroupName: string;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly taskDefinition: EcsTaskDefinition;
  /** The image reference the task runs. */
  readonly image: string;
}

/** Creates the task definition of `props.spec` and its roles in `scope`. */
export function createTaskDefinition(scope: Construct, props: TaskDefinitionProps): FargateTask {
  const { spec, naming: n } = props;
  const cpu = FARGATE_CPU[spec.cpuMillicores];
  if (!cpu) throw new ValidationError(`cpuMillicores must be one of ${Object.keys(FARGATE_CPU).join(", ")}; got ${spec.cpuMillicores}`, scope);
  if (spec.usesDatabase && !props.databaseSecretArn) throw new ValidationError(`${spec.name} uses the database but no database was given`, scope);
  for (const s of spec.secrets) {
    if (!props.secretArns[s]) throw new ValidationError(`${spec.name} reads secret ${s}, which does not exist`, scope);
  }
  const image = spec.image.kind === "digest" ? `${props.repositoryUrl}@${spec.image.digest}` : `${props.repositoryUrl}:${spec.image.tag}`;
  const contract = containerEnvironment(spec, props.facts);
  // RDS keeps the password as JSON in its managed secret: ECS reads the `password` key.
  const secretArn = (secret: string) => (secret === DATABASE_PASSWORD_SECRET ? `${props.databaseSecretArn}:password::` : props.secretArns[secret]);
  const secretRefs = contract.secrets.map((s) => ({ name: s.name, valueFrom: secretArn(s.secret) }));

  const logGroupName = `/mlops/${n.env}/${spec.name}`;
  const logGroup = new CloudwatchLogGroup(scope, "logs", {
    name: logGroupName,
    retentionInDays: props.logRetentionDays ?? 30,
    kmsKeyId: props.customerManagedKey,
  });

  const trust = serviceTrustPolicy("ecs-tasks.amazonaws.com");
  const executionRole = new IamRole(scope, "execution-role", { name: n.bounded(64, spec.name, "exec"), assumeRolePolicy: trust });
  const taskRole = new IamRole(scope, "task-role", { name: n.bounded(64, spec.name, "task"), assumeRolePolicy: trust });
  const kms = props.customerManagedKey ? [props.customerManagedKey] : [];
  new IamRolePolicy(scope, "execution-policy", {
    role: executionRole.id,
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        // GetAuthorizationToken has no resource-level permissions.
        { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Effect: "Allow", Action: ECR_PULL_ACTIONS, Resource: props.repositoryArn },
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup.arn}:*` },
        ...(secretRefs.length > 0
          ? [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretRefs.map((r) => r.valueFrom.replace(/:password::$/, "")) }]
          : []),
        ...(kms.length > 0 ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
      ],
    }),
  });

  if (spec.usesDatabase && props.databaseSecretArn) {
    // RDS rotates the managed password: the task may re-read the secret after a failed login.
    new IamRolePolicy(scope, "task-db-secret", {
      role: taskRole.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: props.databaseSecretArn },
          ...(kms.length > 0 ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
        ],
      }),
    });
  }
  const bucketEntries = Object.entries(spec.buckets) as [BucketPurpose, BucketAccess][];
  if (bucketEntries.length > 0) {
    new IamRolePolicy(scope, "task-policy", {
      role: taskRole.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          ...bucketEntries.map(([purpose, access]) => ({
            Sid: `${access === "read" ? "Read" : "ReadWrite"}${purpose.replace(/[^a-z]/g, "")}`,
            Effect: "Allow",
            Action: access === "read" ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS],
            Resource: [props.bucketArns[purpose], `${props.bucketArns[purpose]}/*`],
          })),
          ...(kms.length > 0 ? [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kms }] : []),
        ],
      }),
    });
  }

  const container = {
    name: spec.name,
    image,
    essential: true,
    readonlyRootFilesystem: true,
    privileged: false,
    ...(spec.command ? { command: [...spec.command] } : {}),
    portMappings: spec.kind === "service" ? [{ containerPort: spec.port, protocol: "tcp" }] : [],
    environment: contract.env.map((e) => ({ name: e.name, value: e.value })),
    secrets: secretRefs,
    mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
    stopTimeout: 30,
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": spec.name },
    },
  };
  const taskDefinition = new EcsTaskDefinition(scope, "task", {
    family: n.name(spec.name),
    requiresCompatibilities: ["FARGATE"],
    networkMode: "awsvpc",
    cpu: String(cpu),
    memory: String(spec.memoryMiB),
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
    runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
    volume: [{ name: "tmp" }],
    containerDefinitions: JSON.stringify([container]),
  });
  return { logGroup, logGroupName, executionRole, taskRole, taskDefinition, image };
}

/**
 * The contract's train-job facts on AWS: `TRAIN_JOB` is the task definition family (RunTask starts its latest
 * ACTIVE revision), plus where to start it (`JOB_CLUSTER`, `JOB_SUBNETS`, `JOB_SECURITY_GROUPS`: the train task's
 * own security group). Undefined when the environment does not run train.
 */
export function trainJobFacts(
  train: { readonly securityGroup: { readonly id: string } } | undefined,
  family: string,
  clusterName: string,
  subnetIds: readonly string[],
): ContainerFacts["trainJob"] {
  if (!train) return undefined;
  return {
    id: family,
    placement: { JOB_CLUSTER: clusterName, JOB_SUBNETS: subnetIds.join(","), JOB_SECURITY_GROUPS: train.securityGroup.id },
  };
}
