"""AWS: ECS RunTask of the train job's task definition family on Fargate, in the platform's private subnets.

The call sends no tags, propagateTags, enableECSManagedTags or overrides: the model API's task role holds
ecs:RunTask on the train family (on the platform cluster) and iam:PassRole on the train task's two roles, and no
ecs:TagResource, which tagging on create would need (modules/aws/ecs-fargate.ts `allowStarting`).
"""
from __future__ import annotations

from typing import Any, Sequence

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from .job_starter import JobStartError


class EcsJobStarter:
    def __init__(self, region: str, cluster: str, task_definition: str, subnets: Sequence[str], security_groups: Sequence[str], client: Any = None) -> None:
        self._ecs = client or boto3.client("ecs", region_name=region)
        self._cluster = cluster
        self._task_definition = task_definition
        self._subnets = list(subnets)
        self._security_groups = list(security_groups)

    def start(self) -> str:
        try:
            response = self._ecs.run_task(
                cluster=self._cluster,
                taskDefinition=self._task_definition,
                launchType="FARGATE",
                count=1,
                startedBy="model-api-retrain",
                networkConfiguration={"awsvpcConfiguration": {"subnets": self._subnets, "securityGroups": self._security_groups, "assignPublicIp": "DISABLED"}},
            )
        except (ClientError, BotoCoreError) as e:
            raise JobStartError(f"ECS RunTask {self._task_definition} on {self._cluster}: {e}") from None
        failures = response.get("failures") or []
        tasks = response.get("tasks") or []
        if failures or not tasks:
            reasons = "; ".join(f"{f.get('arn', '')} {f.get('reason', '')} {f.get('detail', '')}".strip() for f in failures) or "no task started"
            raise JobStartError(f"ECS RunTask {self._task_definition} on {self._cluster}: {reasons}")
        return str(tasks[0]["taskArn"])
