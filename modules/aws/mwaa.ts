/**
 * Amazon MWAA for one environment: the environment in two private subnets with its own
 * self-referencing security group (MWAA's components talk to each other through it), a DAG bucket
 * (versioned, as MWAA requires; SSE-KMS or SSE-S3; all four public-access blocks; owner-enforced;
 * TLS-only policy), an execution role limited to what the DAGs do, the web server reachable only
 * inside the VPC (`PRIVATE_ONLY`), every log type on, and the platform identifiers as Airflow
 * Variables through a startup script that exports `AIRFLOW_VAR_*` (MWAA has no environment-variable
 * API; `airflow_configuration_options` only sets `AIRFLOW__SECTION__KEY`). Alarms: scheduler
 * heartbeat missing and task failures, to the alert topic given.
 *
 * The execution role may: start (`ecs:RunTask`) only the transform and train task definition
 * families, on the platform cluster only; watch and stop the tasks it started; `iam:PassRole` only
 * their task and execution roles, only to ECS tasks; read and write the data buckets' objects; read
 * the jobs' log groups (the ECS operator follows task logs); and what AWS documents for every
 * execution role (its own log groups, `airflow:PublishMetrics`, the Celery SQS queues, KMS through
 * SQS and S3 only).
 *
 * The DAG mirror writes `s3://<bucket>/dags/` (`dagStore`); the startup script lives under
 * `startup/`, outside what the mirror touches. Deliberately not created: plugins.zip,
 * requirements.txt (the DAGs only use the Amazon provider MWAA ships), a VPC endpoint for the web
 * server (MWAA creates it, `endpoint_management` SERVICE), a public web server.
 */
import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { MwaaEnvironment } from "@cdktf/provider-aws/lib/mwaa-environment";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Token, type ITerraformDependable } from "cdktf";
import { AirflowCommonProps, AirflowSize, DagStore, PlatformAirflow, resolveAirflowCommon, variablesAsEnvironment } from "../core/airflow";
import { ConsoleLink } from "../core/contracts";
import { ValidationError } from "../core/errors";
import { Naming } from "../core/naming";
import { DagBucket } from "./private/dag-bucket";
import { executionStatements } from "./private/mwaa-execution-policy";
import type { AirflowDataBucket, AirflowEcsJob } from "./private/airflow-dag-statements";
import { awsDagVariables } from "./private/airflow-dag-variables";

/** MWAA environment class per shared size (mw1.micro exists too; it allows one worker only). */
export const MWAA_ENVIRONMENT_CLASS: Readonly<Record<AirflowSize, string>> = { small: "mw1.small", medium: "mw1.medium", large: "mw1.large" };

/**
 * Airflow 3.0.6: MWAA's Airflow 3 release (GA 2025-10). The provider accepts any string
 * (internal/service/mwaa/environment.go, `airflow_version`: Optional+Computed, no validation; a
 * major-version change forces replacement); the MWAA API rejects versions it does not offer.
 */
export const MWAA_AIRFLOW_VERSION = "3.0.6";

/** Where the startup script lives: outside `dags/`, so the DAG mirror never deletes it. */
const STARTUP_KEY = "startup/startup.sh";

/** One ECS job the DAGs start. */
export type MwaaJob = AirflowEcsJob;
/** A data bucket the DAGs read and write. */
export type MwaaDataBucket = AirflowDataBucket;

export interface MwaaProps extends AirflowCommonProps {
  readonly naming: Naming;
  readonly region: string;
  readonly accountId: string;
  readonly vpcId: string;
  /** Private subnets in two zones; MWAA takes exactly two (the first two are used). */
  readonly privateSubnetIds: readonly string[];
  /** ECS cluster the jobs run in. */
  readonly clusterArn: string;
  readonly clusterName: string;
  /** The transform job, and the train job once the catalog has one (without it the DAGs' train task fails naming its Variable). */
  readonly jobs: { readonly transform: MwaaJob; readonly train?: MwaaJob };
  /** Subnets and security groups the DAGs launch the jobs into (Variables `mlops_ecs_subnets`, `mlops_ecs_security_groups`). */
  readonly jobSubnetIds: readonly string[];
  readonly jobSecurityGroupIds: readonly string[];
  /** The buckets the DAGs read and write (Variables `mlops_processed_bucket`, `mlops_viz_bucket`; object read-write). */
  readonly dataBuckets: { readonly processed: MwaaDataBucket; readonly viz: MwaaDataBucket };
  /** The platform's access-log bucket (name): the DAG bucket logs its requests there. @default - no server access logging */
  readonly accessLogBucket?: string;
  /** What logging into `accessLogBucket` waits for (the log bucket's policy granting logging.s3). @default - none */
  readonly accessLogDependsOn?: readonly ITerraformDependable[];
  /** SNS topic ARN the alarms notify. */
  readonly alertTopicArn: string;
  /** KMS key for the environment, its DAG bucket and logs. @default - AWS-owned key, SSE-S3 bucket */
  readonly customerManagedKey?: string;
  /** @default MWAA_AIRFLOW_VERSION */
  readonly airflowVersion?: string;
  /** Allow `terraform destroy` to empty the DAG bucket (throwaway environments). @default false */
  readonly forceDestroy?: boolean;
  /** Log level of every MWAA log type. @default "INFO" */
  readonly logLevel?: "CRITICAL" | "ERROR" | "WARNING" | "INFO" | "DEBUG";
  /** Task failures in 5 minutes that alarm. @default 1 */
  readonly failedTaskThreshold?: number;
}

/** Amazon MWAA, its DAG bucket, security group, execution role and alarms. */
export class Mwaa extends Construct implements PlatformAirflow {
  readonly mode = "managed" as const;
  readonly environment: MwaaEnvironment;
  readonly role: IamRole;
  readonly securityGroup: SecurityGroup;
  readonly dagBucket: DagBucket;
  readonly dagStore: DagStore;
  readonly uiUrl: string;
  readonly links: readonly ConsoleLink[];
  readonly identity: string;
  readonly variables: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: MwaaProps) {
    super(scope, id);
    const version = props.airflowVersion ?? MWAA_AIRFLOW_VERSION;
    const logLevel = props.logLevel ?? "INFO";
    const { resolved, problems } = resolveAirflowCommon(props, [
      !Token.isUnresolved(props.privateSubnetIds) && props.privateSubnetIds.length < 2
        ? `privateSubnetIds must list two subnets in different zones (MWAA needs two); got ${props.privateSubnetIds.length}`
        : undefined,
    ]);
    const { size, minWorkers, maxWorkers } = resolved;
    if (problems.length > 0) throw new ValidationError(problems.join("; "), this);
    const n = props.naming;
    const name = n.bounded(80, "airflow");
    const envArn = `arn:aws:airflow:${props.region}:${props.accountId}:environment/${name}`;

    this.dagBucket = new DagBucket(this, "dags", {
      name: n.bounded(63, "airflow", props.accountId),
      kmsKeyArn: props.customerManagedKey,
      forceDestroy: props.forceDestroy ?? false,
      accessLogBucket: props.accessLogBucket,
      accessLogDependsOn: props.accessLogDependsOn,
    });
    const bucket = this.dagBucket.bucket;

    // MWAA requires a self-referencing group: scheduler, workers, web server and database endpoint talk through it.
    this.securityGroup = new SecurityGroup(this, "sg", { name: n.name("airflow"), description: "MWAA components (self-referencing, as MWAA requires)", vpcId: props.vpcId });
    new VpcSecurityGroupIngressRule(this, "sg-self", { securityGroupId: this.securityGroup.id, referencedSecurityGroupId: this.securityGroup.id, ipProtocol: "-1", description: "MWAA components to each other" });
    new VpcSecurityGroupEgressRule(this, "sg-egress", { securityGroupId: this.securityGroup.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1", description: "AWS APIs through the NAT and endpoints" });

    this.role = new IamRole(this, "role", {
      name: n.bounded(64, "airflow-exec"),
      description: "MWAA execution role: starts the transform and train tasks, data bucket objects, logs",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: ["airflow.amazonaws.com", "airflow-env.amazonaws.com"] }, Action: "sts:AssumeRole" }],
      }),
    });
    const policy = new IamRolePolicy(this, "role-policy", {
      role: this.role.id,
      name: "airflow-dags",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: executionStatements(props, name, envArn, bucket.arn) }),
    });

    const variables = awsDagVariables(this, props, resolved.extraVariables);
    this.variables = variables;
    const startup = new S3Object(this, "startup", {
      bucket: bucket.id,
      key: STARTUP_KEY,
      content: startupScript(variables),
      contentType: "text/x-shellscript",
      dependsOn: [this.dagBucket.versioning], // MWAA needs the object's version id
    });

    const logs = { enabled: true, logLevel };
    this.environment = new MwaaEnvironment(this, "env", {
      name,
      airflowVersion: version,
      environmentClass: MWAA_ENVIRONMENT_CLASS[size],
      minWorkers,
      maxWorkers,
      executionRoleArn: this.role.arn,
      sourceBucketArn: bucket.arn,
      dagS3Path: "dags",
      startupScriptS3Path: STARTUP_KEY,
      startupScriptS3ObjectVersion: startup.versionId,
      webserverAccessMode: "PRIVATE_ONLY",
      kmsKey: props.customerManagedKey,
      networkConfiguration: { securityGroupIds: [this.securityGroup.id], subnetIds: props.privateSubnetIds.slice(0, 2) },
      loggingConfiguration: {
        dagProcessingLogs: logs,
        schedulerLogs: logs,
        taskLogs: logs,
        webserverLogs: logs,
        workerLogs: logs,
      },
      airflowConfigurationOptions: { "core.load_examples": "False", "scheduler.catchup_by_default": "False" },
      // The role's policy must exist before MWAA validates the environment (it checks S3 and logs access).
      dependsOn: [policy, this.dagBucket.policy, this.dagBucket.publicAccess],
    });

    this.dagStore = { kind: "s3", bucket: bucket.bucket, prefix: "dags/" };
    this.uiUrl = `https://${this.environment.webserverUrl}`;
    this.identity = this.role.arn;
    const r = props.region;
    this.links = [
      { label: "Airflow UI (inside the VPC)", url: this.uiUrl },
      { label: "MWAA environment", url: `https://${r}.console.aws.amazon.com/mwaa/home?region=${r}#environments/${name}` },
    ];
    this.alarms(props, name);
  }

  /**
   * Lets the role that mirrors DAGs (the deploy workflow's) list the DAG bucket and put, get and
   * delete objects under `dags/` only (an inline policy `mirror-dags` on that role).
   */
  allowDagWriter(id: string, roleName: string): IamRolePolicy {
    return this.dagBucket.allowWriter(id, roleName);
  }

  private alarms(props: MwaaProps, name: string): void {
    const n = props.naming;
    const actions = { alarmActions: [props.alertTopicArn], okActions: [props.alertTopicArn] };
    // Airflow's own metrics, which MWAA publishes under AmazonMWAA with Environment + Function dimensions.
    new CloudwatchMetricAlarm(this, "scheduler-heartbeat", {
      alarmName: n.name("airflow-scheduler-heartbeat"),
      alarmDescription: "Airflow scheduler sent no heartbeat for 15 minutes: nothing is being scheduled",
      namespace: "AmazonMWAA",
      metricName: "SchedulerHeartbeat",
      dimensions: { Environment: name, Function: "Scheduler" },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 3,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      // No heartbeat at all is the failure itself.
      treatMissingData: "breaching",
      ...actions,
    });
    const failed = props.failedTaskThreshold ?? 1;
    new CloudwatchMetricAlarm(this, "task-failures", {
      alarmName: n.name("airflow-task-failures"),
      alarmDescription: `Airflow: ${failed} or more task instances failed in 5 minutes`,
      namespace: "AmazonMWAA",
      metricName: "TaskInstanceFailures",
      dimensions: { Environment: name, Function: "Scheduler" },
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: failed,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      ...actions,
    });
  }
}

/** `export AIRFLOW_VAR_X='v'` lines; single quotes escaped for sh. */
export function startupScript(variables: Readonly<Record<string, string>>): string {
  const lines = Object.entries(variablesAsEnvironment(variables)).map(([k, v]) => `export ${k}='${v.replace(/'/g, `'"'"'`)}'`);
  return ["#!/bin/sh", "# Written by the platform stack: Airflow Variables for the DAGs.", ...lines, ""].join("\n");
}
