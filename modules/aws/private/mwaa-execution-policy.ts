/**
 * The MWAA execution role's policy: what the DAGs do (start and watch the transform and train
 * tasks, pass their roles to ECS only, read their logs, read and write the data buckets' objects),
 * then the statements AWS documents for every MWAA execution role (mwaa-create-role; the
 * customer-managed-key variant when a key is given).
 */
import type { MwaaProps } from "../mwaa";
import { dagStatements } from "./airflow-dag-statements";

/** The execution role's statements: the DAGs' needs, then what AWS documents for every MWAA role. */
export function executionStatements(props: MwaaProps, name: string, envArn: string, dagBucketArn: string): object[] {
  const { region, accountId } = props;
  const statements: object[] = [
    ...dagStatements(props),
    // From here: the MWAA execution role policy AWS documents (mwaa-create-role, "customer managed key" variant when a key is given).
    { Sid: "PublishMetrics", Effect: "Allow", Action: "airflow:PublishMetrics", Resource: envArn },
    { Sid: "NoBucketListing", Effect: "Deny", Action: "s3:ListAllMyBuckets", Resource: [dagBucketArn, `${dagBucketArn}/*`] },
    { Sid: "ReadDagBucket", Effect: "Allow", Action: ["s3:GetObject*", "s3:GetBucket*", "s3:List*"], Resource: [dagBucketArn, `${dagBucketArn}/*`] },
    {
      Sid: "OwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents", "logs:GetLogEvents", "logs:GetLogRecord", "logs:GetLogGroupFields", "logs:GetQueryResults"],
      Resource: `arn:aws:logs:${region}:${accountId}:log-group:airflow-${name}-*`,
    },
    { Sid: "ListLogGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    { Sid: "AccountPublicAccessBlock", Effect: "Allow", Action: "s3:GetAccountPublicAccessBlock", Resource: "*" },
    { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*" },
    {
      Sid: "CeleryQueues",
      Effect: "Allow",
      Action: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage", "sqs:SendMessage"],
      Resource: `arn:aws:sqs:${region}:*:airflow-celery-*`,
    },
    props.customerManagedKey
      ? {
          Sid: "KeyThroughSqsAndS3",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"],
          Resource: props.customerManagedKey,
          Condition: { StringLike: { "kms:ViaService": [`sqs.${region}.amazonaws.com`, `s3.${region}.amazonaws.com`] } },
        }
      : {
          Sid: "AwsOwnedKeyThroughSqs",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:Encrypt"],
          NotResource: `arn:aws:kms:*:${accountId}:key/*`,
          Condition: { StringLike: { "kms:ViaService": [`sqs.${region}.amazonaws.com`] } },
        },
  ];
  return statements;
}
