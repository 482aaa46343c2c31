"""GIVEN each cloud's settings THEN the factories pick that cloud's storage and job starter (no network)."""
from __future__ import annotations

import pytest

from mlops_common.platform import read_platform
from mlops_common.storage.azure_blob import AzureBlobStorage
from mlops_common.storage.factory import storage_for
from mlops_common.storage.gcs import GcsStorage
from mlops_common.storage.s3 import S3Storage

ENVS = {
    "aws": {"AWS_REGION": "eu-central-1"},
    "azure": {"AZURE_STORAGE_ACCOUNT_URL": "https://acct.blob.core.windows.net/", "AZURE_CLIENT_ID": "11111111-2222-3333-4444-555555555555"},
    "gcp": {"GOOGLE_CLOUD_PROJECT": "proj", "GOOGLE_CLOUD_REGION": "europe-west3"},
}


@pytest.mark.parametrize("cloud, cls", [("aws", S3Storage), ("azure", AzureBlobStorage), ("gcp", GcsStorage)])
def test_storage_for_picks_the_clouds_implementation(cloud: str, cls: type) -> None:
    settings = read_platform({"PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": cloud, "SERVICE_NAME": "s", **ENVS[cloud]})
    assert isinstance(storage_for(settings), cls)


def test_job_starter_for_picks_the_clouds_runtime() -> None:
    from model_api.jobs.aws_ecs import EcsJobStarter
    from model_api.jobs.azure_container_apps import ContainerAppsJobStarter
    from model_api.jobs.factory import job_starter_for
    from model_api.jobs.gcp_cloud_run import CloudRunJobStarter
    from model_api.settings import read_settings

    base = {"PLATFORM_ENVIRONMENT": "dev", "SERVICE_NAME": "model-api", "MODEL_NAME": "model-api", "MODEL_VERSION": "none", "BUCKET_MLFLOW_ARTIFACTS": "art",
            "AUTH_ISSUER": "https://i", "AUTH_AUDIENCE": "a", "AUTH_JWKS_URI": "https://i/j", "AUTH_ADMIN_CLAIM": "roles", "AUTH_ADMIN_VALUES": "admins"}
    jobs = {
        "aws": ({"TRAIN_JOB": "mlops-dev-train", "JOB_CLUSTER": "c", "JOB_SUBNETS": "s"}, EcsJobStarter),
        "azure": ({"TRAIN_JOB": "/subscriptions/s/resourceGroups/g/providers/Microsoft.App/jobs/t"}, ContainerAppsJobStarter),
        "gcp": ({"TRAIN_JOB": "projects/p/locations/r/jobs/t"}, CloudRunJobStarter),
    }
    for cloud, (extra, cls) in jobs.items():
        settings = read_settings({**base, "PLATFORM_CLOUD": cloud, **ENVS[cloud], **extra})
        assert isinstance(job_starter_for(settings), cls), cloud
