"""GIVEN each cloud's job starter THEN it makes the documented call and answers the run id:
ECS RunTask (botocore's Stubber checks the exact request against the service model), Container Apps
`jobs/start` and Cloud Run `jobs:run` against loopback stand-ins that check path, version and token."""
from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from mlops_testing.http_standin import json_response, serve
from model_api.jobs import JobStartError
from model_api.jobs.aws_ecs import EcsJobStarter
from model_api.jobs.azure_container_apps import API_VERSION, ContainerAppsJobStarter
from model_api.jobs.gcp_cloud_run import CloudRunJobStarter

TASK_ARN = "arn:aws:ecs:eu-central-1:123456789012:task/mlops-dev/0123456789abcdef"
AZURE_JOB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mlops-dev/providers/Microsoft.App/jobs/mlops-dev-train"
GCP_JOB = "projects/proj/locations/europe-west3/jobs/mlops-dev-train"


def ecs_starter():
    client = boto3.client("ecs", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="y")
    return EcsJobStarter("eu-central-1", "mlops-dev", "mlops-dev-train", ["subnet-1", "subnet-2"], ["sg-1"], client=client), client


def test_ecs_runs_the_task_family_on_fargate_in_private_subnets() -> None:
    # The Stubber refuses any parameter beyond these: no tags, propagateTags or overrides, so the task role
    # needs ecs:RunTask and iam:PassRole only, not ecs:TagResource (modules/aws/ecs-fargate.ts allowStarting).
    starter, client = ecs_starter()
    with Stubber(client) as stub:
        stub.add_response(
            "run_task",
            {"tasks": [{"taskArn": TASK_ARN}], "failures": []},
            {
                "cluster": "mlops-dev", "taskDefinition": "mlops-dev-train", "launchType": "FARGATE", "count": 1, "startedBy": "model-api-retrain",
                "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1", "subnet-2"], "securityGroups": ["sg-1"], "assignPublicIp": "DISABLED"}},
            },
        )
        assert starter.start() == TASK_ARN


def test_ecs_failures_and_errors_are_job_start_errors() -> None:
    starter, client = ecs_starter()
    with Stubber(client) as stub:
        stub.add_response("run_task", {"tasks": [], "failures": [{"arn": "x", "reason": "RESOURCE:MEMORY"}]})
        with pytest.raises(JobStartError, match="RESOURCE:MEMORY"):
            starter.start()
        stub.add_client_error("run_task", "AccessDeniedException", "not allowed")
        with pytest.raises(JobStartError, match="not allowed"):
            starter.start()


def test_container_apps_start_posts_to_the_job_with_the_api_version_and_token() -> None:
    server = serve(lambda req: json_response(202, {"id": f"{AZURE_JOB}/executions/mlops-dev-train-abc12", "name": "mlops-dev-train-abc12"}))
    try:
        run_id = ContainerAppsJobStarter(AZURE_JOB, token=lambda: "arm-token", base_url=server.url).start()
        req = server.requests[-1]
        assert (req.method, req.path) == ("POST", f"{AZURE_JOB}/start")
        assert req.query["api-version"] == [API_VERSION] == ["2025-07-01"]
        assert req.headers["authorization"] == "Bearer arm-token"
        assert req.json() == {}  # no template override: the job runs as deployed
        assert run_id == "mlops-dev-train-abc12"
    finally:
        server.stop()


def test_container_apps_refusal_is_a_job_start_error() -> None:
    server = serve(lambda req: json_response(403, {"error": {"code": "AuthorizationFailed", "message": "no"}}))
    try:
        with pytest.raises(JobStartError, match="HTTP 403 .*AuthorizationFailed"):
            ContainerAppsJobStarter(AZURE_JOB, token=lambda: "t", base_url=server.url).start()
    finally:
        server.stop()


def test_cloud_run_jobs_run_answers_the_execution_name() -> None:
    execution = f"{GCP_JOB}/executions/mlops-dev-train-x7k2p"
    server = serve(lambda req: json_response(200, {"name": "projects/proj/locations/europe-west3/operations/op-1", "metadata": {"@type": "type.googleapis.com/google.cloud.run.v2.Execution", "name": execution}}))
    try:
        assert CloudRunJobStarter(GCP_JOB, token=lambda: "gcp-token", base_url=server.url).start() == execution
        req = server.requests[-1]
        assert (req.method, req.path) == ("POST", f"/v2/{GCP_JOB}:run")
        assert req.headers["authorization"] == "Bearer gcp-token"
        # No `overrides`: run.jobs.run (roles/run.invoker on the job) allows this; overrides need run.jobs.runWithOverrides.
        assert req.json() == {}
    finally:
        server.stop()


def test_cloud_run_refusal_is_a_job_start_error() -> None:
    server = serve(lambda req: json_response(404, {"error": {"code": 404, "status": "NOT_FOUND"}}))
    try:
        with pytest.raises(JobStartError, match="HTTP 404"):
            CloudRunJobStarter(GCP_JOB, token=lambda: "t", base_url=server.url).start()
    finally:
        server.stop()
