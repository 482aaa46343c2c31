/**
 * The seeds' watch-folder transform, event-driven: an object created under a prefix of a bucket
 * (S3 -> EventBridge) runs the job's Fargate task, with the bucket and key passed as environment
 * overrides. Failed deliveries retry for an hour. The bucket must send events to EventBridge
 * (ObjectStorage's `eventBridgeBuckets`).
 */
import { Construct } from "constructs";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { PlatformDataTrigger, PlatformObjectStorage } from "../core/contracts";
import { Naming } from "../core/naming";
import type { BucketPurpose } from "../core/workload-spec";
import { serviceTrustPolicy } from "./private/iam";

export interface DataTriggerProps {
  readonly naming: Naming;
  readonly accountId: string;
  /** Catalog name of the job. */
  readonly jobName: string;
  /** The buckets; `bucket` names the one watched. */
  readonly storage: PlatformObjectStorage;
  readonly bucket: BucketPurpose;
  /** Object key prefix, like `incoming/`. */
  readonly prefix: string;
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  /** Roles the task runs as; EventBridge must be allowed to pass them. */
  readonly passRoleArns: readonly string[];
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** The rule, its target and the role EventBridge runs the task with. */
export class DataTrigger extends Construct implements PlatformDataTrigger {
  readonly jobName: string;
  readonly bucket: BucketPurpose;
  readonly prefix: string;
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: DataTriggerProps) {
    super(scope, id);
    this.jobName = props.jobName;
    this.bucket = props.bucket;
    this.prefix = props.prefix;
    const bucketName = props.storage.bucketName(props.bucket);
    const n = props.naming;
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: n.name(props.jobName, "on-data"),
      description: `Run ${props.jobName} when an object lands in s3://${bucketName}/${props.prefix}`,
      eventPattern: JSON.stringify({
        source: ["aws.s3"],
        "detail-type": ["Object Created"],
        detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: props.prefix }] } },
      }),
    });
    const role = new IamRole(this, "role", {
      name: n.bounded(64, props.jobName, "trigger"),
      assumeRolePolicy: serviceTrustPolicy("events.amazonaws.com", props.accountId),
    });
    new IamRolePolicy(this, "run-task", {
      role: role.id,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: props.taskDefinitionArn,
            Condition: { ArnEquals: { "ecs:cluster": props.clusterArn } },
          },
          {
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: [...props.passRoleArns],
            Condition: { StringLike: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
          },
        ],
      }),
    });
    new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      arn: props.clusterArn,
      roleArn: role.arn,
      ecsTarget: {
        taskDefinitionArn: props.taskDefinitionArn,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        taskCount: 1,
        networkConfiguration: { subnets: [...props.subnetIds], securityGroups: [...props.securityGroupIds], assignPublicIp: false },
      },
      inputTransformer: {
        inputPaths: { bucket: "$.detail.bucket.name", key: "$.detail.object.key" },
        inputTemplate: JSON.stringify({
          containerOverrides: [
            {
              name: props.jobName,
              environment: [
                { name: "INPUT_BUCKET", value: "<bucket>" },
                { name: "INPUT_KEY", value: "<key>" },
              ],
            },
          ],
        }),
      },
      retryPolicy: { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 },
    });
  }
}
