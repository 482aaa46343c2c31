"""The Airflow Variables the DAGs read: the contract between the stacks and the DAGs.

Each stack sets them: as `AIRFLOW_VAR_<NAME>` environment variables on the self-hosted Airflow (the name in
capitals, e.g. `AIRFLOW_VAR_MLOPS_CLOUD`), as MWAA's and Composer's environment variables of the same
`AIRFLOW_VAR_` form. Values are identifiers, never secrets. Read only inside tasks (never at import time:
Airflow parses every DAG file often, and a Variable read at parse time is a metadata-database query).

| variable | clouds | value |
|---|---|---|
| mlops_cloud | all | "aws", "azure" or "gcp": which cloud this Airflow runs on |
| mlops_transform_job | all | the transform job: ECS task definition family, Container Apps job, Cloud Run job |
| mlops_train_job | all | the train job, same kinds as above |
| mlops_processed_bucket | all | processed data: S3 / GCS bucket name, Azure blob container name |
| mlops_viz_bucket | all | visualisation data: same kinds as above |
| mlops_aws_region | aws | region of the cluster and buckets, e.g. "eu-central-1" |
| mlops_ecs_cluster | aws | ECS cluster name or ARN the jobs run on |
| mlops_ecs_subnets | aws | comma-separated private subnet ids for the Fargate tasks |
| mlops_ecs_security_groups | aws | comma-separated security group ids for the Fargate tasks |
| mlops_gcp_project | gcp | project id of the Cloud Run jobs and buckets |
| mlops_gcp_region | gcp | region of the Cloud Run jobs, e.g. "europe-west3" |
| mlops_azure_subscription_id | azure | subscription of the Container Apps jobs |
| mlops_azure_resource_group | azure | resource group of the Container Apps jobs |
| mlops_azure_storage_account | azure | storage account holding the processed and viz containers |
| mlops_azure_client_id | azure | client id of Airflow's user-assigned managed identity ("" = system-assigned) |
"""
from __future__ import annotations

CLOUD = "mlops_cloud"
TRANSFORM_JOB = "mlops_transform_job"
TRAIN_JOB = "mlops_train_job"
PROCESSED_BUCKET = "mlops_processed_bucket"
VIZ_BUCKET = "mlops_viz_bucket"
AWS_REGION = "mlops_aws_region"
ECS_CLUSTER = "mlops_ecs_cluster"
ECS_SUBNETS = "mlops_ecs_subnets"
ECS_SECURITY_GROUPS = "mlops_ecs_security_groups"
GCP_PROJECT = "mlops_gcp_project"
GCP_REGION = "mlops_gcp_region"
AZURE_SUBSCRIPTION_ID = "mlops_azure_subscription_id"
AZURE_RESOURCE_GROUP = "mlops_azure_resource_group"
AZURE_STORAGE_ACCOUNT = "mlops_azure_storage_account"
AZURE_CLIENT_ID = "mlops_azure_client_id"

CLOUDS = ("aws", "azure", "gcp")


def get(name: str, default: str | None = None) -> str:
    """The Variable's value; a missing one fails the task naming the variable and its env var form."""
    try:
        from airflow.sdk import Variable  # Airflow 3
    except ImportError:
        from airflow.models import Variable  # Airflow 2
    # Positional default: Airflow 2 calls it default_var, Airflow 3 default.
    value = Variable.get(name, default)
    if value is None:
        raise KeyError(f"Airflow Variable {name} is not set (the stack sets it as AIRFLOW_VAR_{name.upper()})")
    return str(value)


def cloud() -> str:
    """Which cloud this Airflow runs on, checked against the three the platform knows."""
    value = get(CLOUD).strip().lower()
    if value not in CLOUDS:
        raise ValueError(f"Airflow Variable {CLOUD} must be one of {', '.join(CLOUDS)}; found {value!r}")
    return value


def get_list(name: str) -> list[str]:
    """A comma-separated Variable as a list, blanks dropped."""
    return [part.strip() for part in get(name).split(",") if part.strip()]
