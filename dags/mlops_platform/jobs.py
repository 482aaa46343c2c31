"""Starts one of the platform's container jobs (transform, train) and waits for it, on whichever cloud runs Airflow.

- AWS: the Amazon provider's `EcsRunTaskOperator` (Fargate, private subnets, no public address).
- Google Cloud: the Google provider's `CloudRunExecuteJobOperator`.
- Azure: the Microsoft Azure provider has no released Container Apps job operator (an
  `AzureContainerAppsJobOperator` is only proposed, apache/airflow PR #74616), so this starts the job through
  the ARM REST API (`Microsoft.App/jobs/{name}/start`) with Airflow's managed identity and polls the execution.

The cloud's operator is built and executed inside the calling task, at run time: the DAG file imports no
provider and reads no Variable while Airflow parses it, and one DAG file serves all three clouds.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from mlops_platform import variables as V

# Microsoft.App API version with jobs start/executions GA.
ARM_API_VERSION = "2024-03-01"
ARM = "https://management.azure.com"
# Container Apps job execution states (Microsoft.App JobExecution.properties.status).
AZURE_DONE_OK = {"Succeeded"}
AZURE_DONE_FAILED = {"Failed", "Stopped", "Degraded"}


def run_job(job_variable: str, context: dict[str, Any], poll_seconds: float = 30.0) -> str:
    """Runs the job named by Airflow Variable `job_variable` to completion; returns a description of the run."""
    cloud = V.cloud()
    job = V.get(job_variable)
    if cloud == "aws":
        return _run_ecs(job, context)
    if cloud == "gcp":
        return _run_cloud_run(job, context)
    return run_container_apps_job(
        subscription=V.get(V.AZURE_SUBSCRIPTION_ID),
        resource_group=V.get(V.AZURE_RESOURCE_GROUP),
        job=job,
        token=_azure_token(V.get(V.AZURE_CLIENT_ID, "")),
        poll_seconds=poll_seconds,
    )


def _run_ecs(job: str, context: dict[str, Any]) -> str:
    from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator

    op = EcsRunTaskOperator(
        task_id=f"ecs_{job}",
        cluster=V.get(V.ECS_CLUSTER),
        task_definition=job,  # the family: its latest ACTIVE revision, which the stack keeps current
        launch_type="FARGATE",
        overrides={},
        network_configuration={
            "awsvpcConfiguration": {
                "subnets": V.get_list(V.ECS_SUBNETS),
                "securityGroups": V.get_list(V.ECS_SECURITY_GROUPS),
                "assignPublicIp": "DISABLED",
            }
        },
        region_name=V.get(V.AWS_REGION),
        wait_for_completion=True,
    )
    op.execute(context)
    return f"ECS task of {job} finished"


def _run_cloud_run(job: str, context: dict[str, Any]) -> str:
    from airflow.providers.google.cloud.operators.cloud_run import CloudRunExecuteJobOperator

    op = CloudRunExecuteJobOperator(
        task_id=f"cloud_run_{job}",
        project_id=V.get(V.GCP_PROJECT),
        region=V.get(V.GCP_REGION),
        job_name=job,
    )
    op.execute(context)
    return f"Cloud Run job {job} finished"


def _azure_token(client_id: str) -> Callable[[], str]:
    """A function returning a current ARM token of Airflow's managed identity (azure-identity caches it)."""
    from azure.identity import ManagedIdentityCredential

    credential = ManagedIdentityCredential(client_id=client_id or None)
    return lambda: credential.get_token(f"{ARM}/.default").token


def run_container_apps_job(
    subscription: str,
    resource_group: str,
    job: str,
    token: Callable[[], str],
    poll_seconds: float = 30.0,
    http: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> str:
    """Starts Container Apps job `job` with the template it has and waits for its execution to end.

    Raises RuntimeError naming the execution and its state when it does not succeed.
    """
    if http is None:
        import requests

        http = requests
    base = f"{ARM}/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/Microsoft.App/jobs/{job}"

    def headers() -> dict[str, str]:
        return {"Authorization": f"Bearer {token()}"}

    started = http.post(f"{base}/start?api-version={ARM_API_VERSION}", headers=headers(), timeout=60)
    started.raise_for_status()
    execution = started.json()["name"]
    while True:
        r = http.get(f"{base}/executions/{execution}?api-version={ARM_API_VERSION}", headers=headers(), timeout=60)
        r.raise_for_status()
        status = r.json().get("properties", {}).get("status", "Unknown")
        if status in AZURE_DONE_OK:
            return f"Container Apps job {job} execution {execution} succeeded"
        if status in AZURE_DONE_FAILED:
            raise RuntimeError(f"Container Apps job {job} execution {execution} ended {status}")
        sleep(poll_seconds)
