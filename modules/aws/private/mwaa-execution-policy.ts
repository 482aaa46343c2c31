/**
 * The MWAA execution role's policy: what the DAGs do (start and watch the transform and train
 * tasks, pass their roles to ECS only, read their logs, read and write the data buckets' objects),
 * then the statements AWS documents for every MWAA execution role (mwaa-create-role; the
 * customer-managed-key variant when a key is given).
 */
import type { MwaaProps } from "../mwaa";

/** The execution role's statements: the DAGs' needs, then what AWS documents for every MWAA role. */
export function executionStatements(props: MwaaProps, name: string, envArn: string, dagBucketArn: string): object[] {
  const { region, accountId } = props;
  const jobs = props.jobs.train ? [props.jobs.transform, props.jobs.train] : [props.jobs.transform];
  const bucketArns = Object.values(props.dataBuckets).map((b) => b.arn);
  const statements: object[] = [
    {
      Sid: "StartPlatformJobs",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: jobs.map((j) => `arn:aws:ecs:${region}:${accountId}:task-definition/${j.taskDefinitionFamily}:*`),
      Condition: { ArnEquals: { "ecs:cluster": props.clusterArn } },
    },
    {
      Sid: "WatchPlatformJobs",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks", "ecs:StopTask"],
      Resource: `arn:aws:ecs:${region}:${accountId}:task/${props.clusterName}/*`,
    },
    // DescribeTaskDefinition has no resource-level permissions (the operator resolves the family).
    { Sid: "ResolveTaskDefinitions", Effect: "Allow", Action: "ecs:DescribeTaskDefinition", Resource: "*" },
    {
      Sid: "PassJobRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: jobs.flatMap((j) => j.roleArns),
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    { Sid: "ReadJobLogs", Effect: "Allow", Action: ["logs:GetLogEvents", "logs:DescribeLogStreams"], Resource: jobs.flatMap((j) => [j.logGroupArn, `${j.logGroupArn}:*`]) },
    ...(bucketArns.length > 0
      ? [
          { Sid: "DataBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArns },
          { Sid: "DataObjects", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: bucketArns.map((a) => `${a}/*`) },
        ]
      : []),
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
