"""The train job's settings from the container environment contract, read once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from mlops_common.env import ConfigError, required
from mlops_common.platform import CLOUD_ENV_NAMES, PLATFORM_ENV_NAMES, PlatformSettings, bucket, read_platform

#: Every name this image reads (plus CLOUD_ENV_NAMES of its cloud).
ENV_NAMES = PLATFORM_ENV_NAMES + ("MLFLOW_TRACKING_URI", "MODEL_NAME", "BUCKET_PROCESSED", "BUCKET_MLFLOW_ARTIFACTS")
__all__ = ["CLOUD_ENV_NAMES", "ENV_NAMES", "TrainSettings", "read_settings"]

_MODEL_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")  # the manifest schema's name rule (gitops/manifest.ts)


@dataclass(frozen=True)
class TrainSettings:
    platform: PlatformSettings
    mlflow_tracking_uri: str
    model_name: str
    bucket_processed: str
    bucket_mlflow_artifacts: str


def read_settings(env: Mapping[str, str]) -> TrainSettings:
    name = required(env, "MODEL_NAME")
    if not _MODEL_NAME.match(name):
        raise ConfigError(f"environment variable MODEL_NAME: expected a kebab-case model name like model-api, found {name!r}")
    uri = required(env, "MLFLOW_TRACKING_URI")
    if not uri.startswith(("http://", "https://")):
        raise ConfigError(f"environment variable MLFLOW_TRACKING_URI: expected MLflow's http(s) URL, found {uri!r}")
    return TrainSettings(
        platform=read_platform(env),
        mlflow_tracking_uri=uri.rstrip("/"),
        model_name=name,
        bucket_processed=bucket(env, "processed"),
        bucket_mlflow_artifacts=bucket(env, "mlflow-artifacts"),
    )
