/**
 * One workload of the catalog on ECS Fargate: its task definition (./task-definition.ts: roles, log
 * group, the container contract), its security group and, for a service, the ECS service behind the
 * load balancer with circuit-breaker rollback and CPU and memory autoscaling. A job gets the task
 * definition only (the data trigger or model-api's RunTask starts it).
 *
 * No public IP, the security group admits only the load balancer, `desired_count` is left to
 * autoscaling (ignored after creation).
 */
import { Construct } from "constructs";
import { dependable, type ITerraformDependable } from "cdktf";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { PlatformWorkload } from "../core/contracts";
import type { ResolvedService, WorkloadKind } from "../core/workload-spec";
import { ValidationError } from "../core/errors";
import { LoadBalancerTarget } from "./load-balancer";
import { createTaskDefinition, TaskDefinitionProps } from "./task-definition";
import { containerEnvironment } from "../core/container-contract";

export interface EcsFargateProps extends Omit<TaskDefinitionProps, "spec"> {
  readonly service: ResolvedService;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly vpcId: string;
  readonly vpcCidr: string;
  readonly subnetIds: readonly string[];
  /** The load balancer's door for this service (services only). */
  readonly target?: LoadBalancerTarget;
  readonly loadBalancerSecurityGroupId?: string;
  /** Run on Fargate Spot (interruptible, cheaper). @default false */
  readonly spotCapacity?: boolean;
  /**
   * Resources the ECS service must be created after and destroyed before: the cluster's capacity
   * providers (the strategy names them), the database, the grants its roles need. @default - none
   */
  readonly serviceDependsOn?: readonly ITerraformDependable[];
}

/** A Fargate workload. */
export class EcsFargate extends Construct implements PlatformWorkload {
  readonly name: string;
  readonly kind: WorkloadKind;
  /** True when the workload connects to the platform database. */
  readonly usesDatabase: boolean;
  /** Set by the stack once the edge routes to it. */
  publicUrl?: string;
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
  /** True when the container contract points it at MLflow (it gets MLFLOW_TRACKING_URI). */
  readonly mlflowClient: boolean;

  /** Makes the service (if any) wait for `dependency`, created after it (a network rule, a grant). */
  waitFor(dependency: ITerraformDependable): void {
    if (this.ecsService) this.ecsService.dependsOn = [...(this.ecsService.dependsOn ?? []), dependable(dependency)];
  }

  /** Lets the tasks open TCP `port` to the security group `groupId` (`to-<target>`), nothing wider. */
  allowEgress(target: string, groupId: string, port: number): void {
    const rule = new VpcSecurityGroupEgressRule(this, `to-${target}`, {
      securityGroupId: this.securityGroup.id,
      referencedSecurityGroupId: groupId,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      description: `${target} on ${port}`,
    });
    this.waitFor(rule);
  }

  /**
   * Lets this workload start `job` (the model API's retrain, images/model-api/model_api/jobs/aws_ecs.py): its task
   * role may `ecs:RunTask` every revision of the job's task definition family (`<family>:*`, the family's
   * `arn_without_revision`) on `clusterArn` only (`ecs:cluster`), and `iam:PassRole` exactly the job's task and
   * execution roles, to ECS tasks only. No `ecs:TagResource`: it is evaluated only when RunTask applies tags, and the
   * starter sends none (no tags, propagateTags or managed tags). The service waits for the grant, so the first
   * retrain after an apply is allowed. Caveat: RunTask accepts container overrides (command, environment) and IAM has
   * no condition key to refuse them, so the holder can run any command as the job's roles: grant it only to callers
   * trusted as much as the job.
   */
  allowStarting(job: EcsFargate, clusterArn: string): IamRolePolicy {
    if (job.kind !== "job") throw new ValidationError(`${this.name} may start jobs only; ${job.name} is a ${job.kind}`, this);
    const policy = new IamRolePolicy(this, `starts-${job.name}`, {
      role: this.taskRole.id,
      name: `start-${job.name}`,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "RunJobOnPlatformCluster",
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: `${job.taskDefinition.arnWithoutRevision}:*`,
            Condition: { ArnEquals: { "ecs:cluster": clusterArn } },
          },
          {
            Sid: "PassJobRoles",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [job.taskRole.arn, job.executionRole.arn],
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
          },
        ],
      }),
    });
    this.waitFor(policy);
    return policy;
  }

  constructor(scope: Construct, id: string, props: EcsFargateProps) {
    super(scope, id);
    const spec = props.service;
    const n = props.naming;
    const isService = spec.kind === "service";
    this.name = spec.name;
    this.kind = spec.kind;
    this.usesDatabase = spec.usesDatabase === true;
    if (isService && (!props.target || spec.port === undefined || !spec.healthPath)) {
      throw new ValidationError(`service ${spec.name} needs a port, a health path and a load balancer target`, this);
    }
    const task = createTaskDefinition(this, { ...props, spec });
    this.logGroup = task.logGroup;
    this.logGroupName = task.logGroupName;
    this.executionRole = task.executionRole;
    this.taskRole = task.taskRole;
    this.taskDefinition = task.taskDefinition;
    this.image = task.image;

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
    // Out: HTTPS to AWS APIs (through NAT or the S3 endpoint); inside the VPC only what `allowEgress`
    // names (the database, MLflow through the NLB). DNS to the VPC resolver is not filtered by security groups.
    new VpcSecurityGroupEgressRule(this, "to-https", {
      securityGroupId: this.securityGroup.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to AWS APIs and registries",
    });
    this.mlflowClient = containerEnvironment(spec, props.facts).env.some((e) => e.name === "MLFLOW_TRACKING_URI");

    if (!isService || !props.target) return;
    this.ecsService = new EcsService(this, "service", {
      name: spec.name,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: spec.scaling.min,
      // A launch type would override the cluster's capacity providers: name the provider instead.
      capacityProviderStrategy: [{ capacityProvider: props.spotCapacity ? "FARGATE_SPOT" : "FARGATE", weight: 1 }],
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
      // Its roles' grants too: the task definition names the roles, not their policies, so without
      // this the first tasks could start before they may pull the image or read their secrets.
      dependsOn: [props.target.listener, ...(props.serviceDependsOn ?? []), ...this.node.children.filter((c): c is IamRolePolicy => c instanceof IamRolePolicy)],
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
