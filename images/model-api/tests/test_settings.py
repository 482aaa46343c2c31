"""GIVEN the model API's environment THEN each cloud's job id has the shape its starter needs."""
from __future__ import annotations

import pytest

from mlops_common.env import ConfigError
from model_api.settings import read_settings

AUTH = {"AUTH_ISSUER": "https://i", "AUTH_AUDIENCE": "a", "AUTH_JWKS_URI": "https://i/jwks", "AUTH_ADMIN_CLAIM": "roles", "AUTH_ADMIN_VALUES": "admins"}
BASE = {"PLATFORM_ENVIRONMENT": "dev", "SERVICE_NAME": "model-api", "MODEL_NAME": "model-api", "MODEL_VERSION": "none", "BUCKET_MLFLOW_ARTIFACTS": "art", **AUTH}


def test_azure_wants_the_job_resource_id() -> None:
    env = {**BASE, "PLATFORM_CLOUD": "azure", "AZURE_STORAGE_ACCOUNT_URL": "https://a.blob.core.windows.net/", "TRAIN_JOB": "mlops-dev-train"}
    with pytest.raises(ConfigError, match="TRAIN_JOB: expected the job's resource id"):
        read_settings(env)


def test_gcp_wants_the_full_job_name() -> None:
    env = {**BASE, "PLATFORM_CLOUD": "gcp", "GOOGLE_CLOUD_PROJECT": "p", "TRAIN_JOB": "mlops-dev-train"}
    with pytest.raises(ConfigError, match="TRAIN_JOB: expected projects/<p>/locations/<r>/jobs/<name>"):
        read_settings(env)
    assert read_settings({**env, "TRAIN_JOB": "projects/p/locations/r/jobs/t"}).train_job == "projects/p/locations/r/jobs/t"


def test_aws_wants_cluster_and_subnets() -> None:
    env = {**BASE, "PLATFORM_CLOUD": "aws", "AWS_REGION": "eu-central-1", "TRAIN_JOB": "mlops-dev-train", "JOB_CLUSTER": "mlops-dev"}
    with pytest.raises(ConfigError, match="JOB_SUBNETS is required on aws"):
        read_settings(env)
    s = read_settings({**env, "JOB_SUBNETS": "subnet-1, subnet-2", "JOB_SECURITY_GROUPS": "sg-1"})
    assert s.job_subnets == ("subnet-1", "subnet-2") and s.port == 8000


def test_without_admin_values_the_api_starts_and_nobody_is_admin() -> None:
    """Google without clouds.gcp.admins: predictions work, retrain and reload are refused to everyone."""
    from model_api.settings import read_settings as read

    env = {"PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "gcp", "SERVICE_NAME": "model-api", "GOOGLE_CLOUD_PROJECT": "p",
           **AUTH, "AUTH_ADMIN_CLAIM": "email", "AUTH_ADMIN_VALUES": "", "MODEL_NAME": "model-api", "MODEL_VERSION": "none",
           "BUCKET_MLFLOW_ARTIFACTS": "art", "TRAIN_JOB": "projects/p/locations/r/jobs/t"}
    assert read(env).auth.admin_values == ()
