/**
 * The Airflow Variables the DAGs read on AWS (modules/core/airflow.ts DAG_VARIABLES), the same for MWAA and the
 * self-hosted Airflow: which task definition families to start, on which cluster, in which subnets and security
 * groups, and the data buckets. Warns on the construct when there is no train job (the DAGs' train task fails then).
 */
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { airflowVariables, NO_TRAIN_JOB_WARNING } from "../../core/airflow";

/** What the Variables name. */
export interface AwsDagVariableInputs {
  readonly region: string;
  readonly clusterName: string;
  readonly jobs: { readonly transform: { readonly taskDefinitionFamily: string }; readonly train?: { readonly taskDefinitionFamily: string } };
  readonly dataBuckets: { readonly processed: { readonly name: string }; readonly viz: { readonly name: string } };
  readonly jobSubnetIds: readonly string[];
  readonly jobSecurityGroupIds: readonly string[];
}

/** The platform's Variables plus the environment's `extra` ones. */
export function awsDagVariables(scope: Construct, p: AwsDagVariableInputs, extra: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (!p.jobs.train) Annotations.of(scope).addWarning(NO_TRAIN_JOB_WARNING);
  return airflowVariables<"aws">(
    {
      mlops_cloud: "aws",
      mlops_transform_job: p.jobs.transform.taskDefinitionFamily,
      mlops_train_job: p.jobs.train?.taskDefinitionFamily,
      mlops_processed_bucket: p.dataBuckets.processed.name,
      mlops_viz_bucket: p.dataBuckets.viz.name,
      mlops_aws_region: p.region,
      mlops_ecs_cluster: p.clusterName,
      mlops_ecs_subnets: p.jobSubnetIds.join(","),
      mlops_ecs_security_groups: p.jobSecurityGroupIds.join(","),
    },
    extra,
  );
}
