"""Picks the job starter for PLATFORM_CLOUD; the only place that maps a cloud to a class."""
from __future__ import annotations

from ..settings import ModelApiSettings
from .job_starter import JobStarter


def job_starter_for(settings: ModelApiSettings) -> JobStarter:
    p = settings.platform
    if p.cloud == "aws":
        from .aws_ecs import EcsJobStarter

        return EcsJobStarter(p.aws_region or "", settings.job_cluster or "", settings.train_job, settings.job_subnets, settings.job_security_groups)
    if p.cloud == "azure":
        from .azure_container_apps import ContainerAppsJobStarter, managed_identity_token

        return ContainerAppsJobStarter(settings.train_job, managed_identity_token(p.azure_client_id))
    from .gcp_cloud_run import CloudRunJobStarter

    return CloudRunJobStarter(settings.train_job)
