/**
 * What the DAGs do on AWS, as IAM statements for whichever role runs them (MWAA's execution role,
 * the self-hosted Airflow's task role): start (`ecs:RunTask`) only the transform and train task
 * definition families on the platform cluster, watch and stop the tasks, pass only their roles and
 * only to ECS tasks, read their logs (the ECS operator follows them), read and write the data
 * buckets' objects.
 */

/** One ECS job the DAGs start. */
export interface AirflowEcsJob {
  /** Task definition family (`mlops-dev-transform`); RunTask is allowed on its every revision. */
  readonly taskDefinitionFamily: string;
  /** The task role and the task execution role: the only roles the DAGs may pass. */
  readonly roleArns: readonly string[];
  /** CloudWatch log group ARN of the job's containers (the operator reads the task's logs). */
  readonly logGroupArn: string;
}

/** A data bucket the DAGs read and write. */
export interface AirflowDataBucket {
  readonly name: string;
  readonly arn: string;
}

/** Where the DAGs start jobs and what they touch. */
export interface AirflowDagScope {
  readonly region: string;
  readonly accountId: string;
  readonly clusterArn: string;
  readonly clusterName: string;
  readonly jobs: { readonly transform: AirflowEcsJob; readonly train?: AirflowEcsJob };
  readonly dataBuckets: { readonly processed: AirflowDataBucket; readonly viz: AirflowDataBucket };
}

/** The DAGs' statements (Sids StartPlatformJobs, WatchPlatformJobs, ResolveTaskDefinitions, PassJobRoles, ReadJobLogs, DataBuckets, DataObjects). */
export function dagStatements(p: AirflowDagScope): object[] {
  const { region, accountId } = p;
  const jobs = p.jobs.train ? [p.jobs.transform, p.jobs.train] : [p.jobs.transform];
  const bucketArns = Object.values(p.dataBuckets).map((b) => b.arn);
  return [
    {
      Sid: "StartPlatformJobs",
      Effect: "Allow",
      Action: "ecs:RunTask",
      Resource: jobs.map((j) => `arn:aws:ecs:${region}:${accountId}:task-definition/${j.taskDefinitionFamily}:*`),
      Condition: { ArnEquals: { "ecs:cluster": p.clusterArn } },
    },
    {
      Sid: "WatchPlatformJobs",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks", "ecs:StopTask"],
      Resource: `arn:aws:ecs:${region}:${accountId}:task/${p.clusterName}/*`,
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
  ];
}
