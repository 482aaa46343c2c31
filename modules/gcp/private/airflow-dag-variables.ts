/**
 * The Airflow Variables the DAGs read on Google Cloud (modules/core/airflow.ts DAG_VARIABLES), the same for Composer
 * and the self-hosted Airflow: the Cloud Run jobs to execute, the data buckets, project and region. Warns on the
 * construct when there is no train job (the DAGs' train task fails then).
 */
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { AirflowJobs, airflowVariables, NO_TRAIN_JOB_WARNING } from "../../core/airflow";

/** What the Variables name. */
export interface GcpDagVariableInputs {
  readonly projectId: string;
  readonly region: string;
  readonly jobs: AirflowJobs;
  readonly dataBuckets: { readonly processed: string; readonly viz: string };
}

/** The platform's Variables plus the environment's `extra` ones. */
export function gcpDagVariables(scope: Construct, p: GcpDagVariableInputs, extra: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (!p.jobs.train) Annotations.of(scope).addWarning(NO_TRAIN_JOB_WARNING);
  return airflowVariables<"gcp">(
    {
      mlops_cloud: "gcp",
      mlops_transform_job: p.jobs.transform,
      mlops_train_job: p.jobs.train,
      mlops_processed_bucket: p.dataBuckets.processed,
      mlops_viz_bucket: p.dataBuckets.viz,
      mlops_gcp_project: p.projectId,
      mlops_gcp_region: p.region,
    },
    extra,
  );
}
