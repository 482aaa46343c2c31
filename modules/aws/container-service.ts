/**
 * One workload of the catalog on ECS Fargate: its log group, execution and task roles, security
 * group, task definition and, for a service, the ECS service behind the load balancer with
 * circuit-breaker rollback and CPU autoscaling. A job gets the task definition only (something
 * else runs it: the data arrival trigger).
 *
 * Secure defaults taken from terraform-aws-ecs and gone beyond where it leaves doors open:
 * read-only root filesystem (with a scratch /tmp), no public IP, separate execution and task
 * roles (Checkov CKV_AWS_249), secrets by ARN only (cdk-nag ECS2 bans secret values in env),
 * the task role may touch only the buckets the spec names, the security group admits only the
 * load balancer. `desired_count` is left to autoscaling (ignored after creation).
 */
import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { BucketAccess, BucketPurpose, ResolvedService } from "../../services/service-spec";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { LoadBalancerTarget } from "./load-balancer";
import { ECR_PULL_ACTIONS, serviceTrustPolicy } from "./private/iam";

/** Fargate CPU units per cloud-neutral millicore size. */
const FARGATE_CPU: Record<number, number> = { 250: 256, 500: 512, 1000: 1024, 2000: 2048, 4000: 4096 };

const READ_ACTIONS = ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:GetBucketLocation"];
const WRITE_ACTIONS = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"];

export interface ContainerServiceProps {
  readonly naming: Naming;
  readonly region: string;
  readonly service: ResolvedService;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: readonly string[];
  /** `<registry>/<repo>` to pull from; the tag or digest comes from the service's image. */
  readonly repositoryUrl: string;
  readonly repositoryArn: string;
  /** Bucket name and ARN by purpose, for the buckets the spec names. */
  readonly buckets: Readonly<Record<BucketPurpose, { name: string; arn: string }>>;
  /** Secret ARNs by the names the spec asks for. */
  readonly secretArns: Readonly<Record<string, string>>;
  /** The load balancer's door for this service (services only). */
  readonly target?: LoadBalancerTarget;
  readonly loadBalancerSecurityGroupId?: string;
  /** Connection settings for workloads with `usesDatabase`. */
  readonly database?: { host: string; port: number; name: string; user: string; passwordSecretArn: string };
  readonly kmsKeyArn?: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Run on Fargate Spot (interruptible, cheaper: dev). @default false */
  readonly useSpot?: boolean;
  /** Access-token scope the edge requires on admin paths; passed to the service so it checks too. @default - none */
  readonly adminScope?: string;
}

/** Environment variable name for a secret or bucket: `model-api-signing-key` -> `MODEL_API_SIGNING_KEY`. */
export function envName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** A Fargate workload. */
export class ContainerService extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  /** The log group's name as a literal (for console links). */
  readonly logGroupName: string;
  readonly executionRole: IamRole;
  readonly taskRole: IamRole;
  readonly securityGroup: SecurityGroup;
  readonly taskDefinition: EcsTaskDefinition;
  readonly ecsService?: EcsService;
  /** The image reference the task runs. */
  readonly image: string;

  constructor(scope: Construct, id: string, props: ContainerServiceProps) {
    super(scope, id);
    const spec = props.service;
    const n = props.naming;
    const isService = spec.kind === "service";
    const cpu = FARGATE_CPU[spec.cpuMillicores];
    if (!cpu) throw new ValidationError(`cpuMillicores must be one of ${Object.keys(FARGATE_CPU).join(", ")}; got ${spec.cpuMillicores}`, this);
    if (isService && (!props.target || spec.port === undefined || !spec.healthPath)) {
      throw new ValidationError(`service ${spec.name} needs a port, a health path and a load balancer target`, this);
    }
    if (spec.usesDatabase && !props.database) throw new ValidationError(`${spec.name} uses the database but no database was given`, this);
    for (const s of spec.secrets) {
      if (!props.secretArns[s]) throw new ValidationError(`${spec.name} reads secret ${s}, which does not exist`, this);
    }
    this.image = spec.image.kind === "digest" ? `${props.repositoryUrl}@${spec.image.digest}` : `${props.repositoryUrl}:${spec.image.tag}`;

    this.logGroupName = `/mlops/${n.env}/${spec.name}`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: this.logGroupName,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.kmsKeyArn,
    });

    const trust = serviceTrustPolicy("ecs-tasks.amazonaws.com");
    this.executionRole = new IamRole(this, "execution-role", { name: n.bounded(64, spec.name, "exec"), assumeRolePolicy: trust });
    this.taskRole = new IamRole(this, "task-role", { name: n.bounded(64, spec.name, "task"), assumeRolePolicy: trust });

    const secretRefs = spec.secrets.map((s) => ({ name: envName(s), valueFrom: props.secretArns[s] }));
    if (spec.usesDatabase && props.database) secretRefs.push({ name: "DB_PASSWORD", valueFrom: `${props.database.passwordSecretArn}:password::` });
    const kms = props.kmsKeyArn ? [props.kmsKeyArn] : [];
    new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          // GetAuthorizationToken has no resource-level permissions.
          { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
          { Effect: "Allow", Action: ECR_PULL_ACTIONS, Resource: props.repositoryArn },
          { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${this.logGroup.arn}:*` },
          ...(secretRefs.length > 0
            ? [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: secretRefs.map((r) => r.valueFrom.replace(/:password::$/, "")) }]
            : []),
          ...(kms.length > 0 ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
        ],
      }),
    });

    if (spec.usesDatabase && props.database) {
      new IamRolePolicy(this, "task-db-secret", {
        role: this.taskRole.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: props.database.passwordSecretArn },
            ...(kms.length > 0 ? [{ Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
          ],
        }),
      });
    }
    const bucketEntries = Object.entries(spec.buckets) as [BucketPurpose, BucketAccess][];
    if (bucketEntries.length > 0) {
      new IamRolePolicy(this, "task-policy", {
        role: this.taskRole.id,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            ...bucketEntries.map(([purpose, access]) => ({
              Sid: `${access === "read" ? "Read" : "ReadWrite"}${purpose.replace(/[^a-z]/g, "")}`,
              Effect: "Allow",
              Action: access === "read" ? READ_ACTIONS : [...READ_ACTIONS, ...WRITE_ACTIONS],
              Resource: [props.buckets[purpose].arn, `${props.buckets[purpose].arn}/*`],
            })),
            ...(kms.length > 0 ? [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kms }] : []),
          ],
        }),
      });
    }

    this.securityGroup = new SecurityGroup(this, "sg", {
      name: n.name(spec.name),
      description: isService ? `${spec.name}: only from the load balancer` : `${spec.name}: no inbound traffic`,
      vpcId: props.vpcId,
      tags: { Name: n.name(spec.name) },
    });
    if (isService && props.loadBalancerSecurityGroupId) {
      new VpcSecurityGroupIngressRule(this, "from-nlb", {
        securityGroupId: this.securityGroup.id,
        referencedSecurityGroupId: props.loadBalancerSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: spec.port,
        toPort: spec.port,
        description: "from the internal load balancer",
      });
    }
    // Out: HTTPS to AWS APIs (through NAT or the S3 endpoint) and TCP inside the VPC (other services, database).
    new VpcSecurityGroupEgressRule(this, "to-https", {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to AWS APIs and registries",
    });
    new VpcSecurityGroupEgressRule(this, "to-vpc", {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: props.vpcCidr,
      ipProtocol: "tcp",
      fromPort: 0,
      toPort: 65535,
      description: "services and database inside the VPC",
    });

    const environment: { name: string; value: string }[] = [
      ...Object.entries(spec.env).map(([name, value]) => ({ name, value })),
      { name: "PLATFORM_ENVIRONMENT", value: n.env },
      { name: "AWS_REGION", value: props.region },
      { name: "IMAGE_VERSION", value: spec.image.kind === "digest" ? spec.image.version : spec.image.tag },
      ...bucketEntries.flatMap(([purpose]) => [
        { name: `BUCKET_${envName(purpose)}`, value: props.buckets[purpose].name },
        { name: `BUCKET_URI_${envName(purpose)}`, value: `s3://${props.buckets[purpose].name}` },
      ]),
      ...(spec.usesDatabase && props.database
        ? [
            { name: "DB_HOST", value: props.database.host },
            { name: "DB_PORT", value: String(props.database.port) },
            { name: "DB_NAME", value: props.database.name },
            { name: "DB_USER", value: props.database.user },
            // RDS rotates the managed password (7 days by default) while DB_PASSWORD stays what the task
            // started with: an image that re-reads this secret on a failed login keeps working.
            { name: "DB_PASSWORD_SECRET_ARN", value: props.database.passwordSecretArn },
          ]
        : []),
      ...(spec.routes?.adminPaths?.length && props.adminScope
        ? [
            { name: "ADMIN_PATHS", value: spec.routes.adminPaths.join(",") },
            { name: "ADMIN_SCOPE", value: props.adminScope },
          ]
        : []),
    ];
    const container = {
      name: spec.name,
      image: this.image,
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      ...(spec.command ? { command: [...spec.command] } : {}),
      portMappings: isService ? [{ containerPort: spec.port, protocol: "tcp" }] : [],
      environment,
      secrets: secretRefs,
      mountPoints: [{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }],
      stopTimeout: 30,
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": this.logGroup.name, "awslogs-region": props.region, "awslogs-stream-prefix": spec.name },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: n.name(spec.name),
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(cpu),
      memory: String(spec.memoryMiB),
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: this.taskRole.arn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      volume: [{ name: "tmp" }],
      containerDefinitions: JSON.stringify([container]),
    });

    if (!isService || !props.target) return;
    this.ecsService = new EcsService(this, "service", {
      name: spec.name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: spec.scaling.min,
      // A launch type would override the cluster's capacity providers: name the provider instead.
      capacityProviderStrategy: [{ capacityProvider: props.useSpot ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
      platformVersion: "LATEST",
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      enableExecuteCommand: false,
      healthCheckGracePeriodSeconds: 60,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      availabilityZoneRebalancing: "ENABLED",
      networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [this.securityGroup.id], assignPublicIp: false },
      loadBalancer: [{ targetGroupArn: props.target.targetGroup.arn, containerName: spec.name, containerPort: spec.port! }],
      lifecycle: { ignoreChanges: ["desired_count"] },
      dependsOn: [props.target.listener],
    });
    const scaling = new AppautoscalingTarget(this, "scaling-target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${this.ecsService.name}`,
      minCapacity: spec.scaling.min,
      maxCapacity: spec.scaling.max,
    });
    new AppautoscalingPolicy(this, "cpu-scaling", {
      name: n.name(spec.name, "cpu"),
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: spec.scaling.targetCpuPercent,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        scaleInCooldown: 120,
        scaleOutCooldown: 60,
      },
    });
    new AppautoscalingPolicy(this, "memory-scaling", {
      name: n.name(spec.name, "memory"),
      policyType: "TargetTrackingScaling",
      serviceNamespace: scaling.serviceNamespace,
      scalableDimension: scaling.scalableDimension,
      resourceId: scaling.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 80,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageMemoryUtilization" },
        scaleInCooldown: 120,
        scaleOutCooldown: 60,
      },
    });
  }
}
