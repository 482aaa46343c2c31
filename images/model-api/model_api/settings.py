"""The model API's settings from the container environment contract, read once at start."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Tuple

from mlops_common.auth import AUTH_ENV_NAMES, AuthSettings, read_auth
from mlops_common.env import ConfigError, comma_list, integer, required
from mlops_common.platform import CLOUD_ENV_NAMES, PLATFORM_ENV_NAMES, PlatformSettings, bucket, read_platform

NO_MODEL = "none"

#: Every name this image reads (plus CLOUD_ENV_NAMES of its cloud, and AWS_JOB_ENV_NAMES on AWS).
ENV_NAMES = PLATFORM_ENV_NAMES + AUTH_ENV_NAMES + ("PORT", "MODEL_NAME", "MODEL_VERSION", "BUCKET_MLFLOW_ARTIFACTS", "TRAIN_JOB")
AWS_JOB_ENV_NAMES = ("JOB_CLUSTER", "JOB_SUBNETS", "JOB_SECURITY_GROUPS")
__all__ = ["AWS_JOB_ENV_NAMES", "CLOUD_ENV_NAMES", "ENV_NAMES", "ModelApiSettings", "NO_MODEL", "read_settings"]


@dataclass(frozen=True)
class ModelApiSettings:
    platform: PlatformSettings
    auth: AuthSettings
    port: int
    model_name: str
    #: The manifest's version, or "none" before the first promotion.
    model_version: str
    bucket_mlflow_artifacts: str
    train_job: str
    job_cluster: Optional[str] = None
    job_subnets: Tuple[str, ...] = ()
    job_security_groups: Tuple[str, ...] = ()


def read_settings(env: Mapping[str, str]) -> ModelApiSettings:
    platform = read_platform(env)
    train_job = required(env, "TRAIN_JOB")
    if platform.cloud == "azure" and not train_job.startswith("/subscriptions/"):
        raise ConfigError(f"environment variable TRAIN_JOB: expected the job's resource id /subscriptions/.../providers/Microsoft.App/jobs/<name>, found {train_job!r}")
    if platform.cloud == "gcp" and not (train_job.startswith("projects/") and "/jobs/" in train_job):
        raise ConfigError(f"environment variable TRAIN_JOB: expected projects/<p>/locations/<r>/jobs/<name>, found {train_job!r}")
    aws = platform.cloud == "aws"
    settings = ModelApiSettings(
        platform=platform,
        # Empty AUTH_ADMIN_VALUES (Google without clouds.gcp.admins): the API serves predictions, nobody may retrain.
        auth=read_auth(env, admins_required=False),
        port=integer(env, "PORT", 8000, minimum=1),
        model_name=required(env, "MODEL_NAME"),
        model_version=required(env, "MODEL_VERSION"),
        bucket_mlflow_artifacts=bucket(env, "mlflow-artifacts"),
        train_job=train_job,
        job_cluster=required(env, "JOB_CLUSTER") if aws else None,
        job_subnets=comma_list(env, "JOB_SUBNETS") if aws else (),
        job_security_groups=comma_list(env, "JOB_SECURITY_GROUPS") if aws else (),
    )
    if aws and not settings.job_subnets:
        raise ConfigError("environment variable JOB_SUBNETS is required on aws (expected a comma list of subnet ids, found nothing)")
    return settings
