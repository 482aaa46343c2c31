"""The settings every workload gets (contract: "Every workload"), and the cloud-specific storage location."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Mapping, Optional

from .env import CLOUDS, ConfigError, one_of, optional, required

#: Names every workload reads (the integrator's both-ways contract test compares against these).
PLATFORM_ENV_NAMES = ("PLATFORM_ENVIRONMENT", "PLATFORM_CLOUD", "SERVICE_NAME", "IMAGE_VERSION", "LOG_LEVEL")

#: Names per cloud that locate storage and identity; read only on that cloud.
CLOUD_ENV_NAMES = {
    "aws": ("AWS_REGION",),
    "azure": ("AZURE_STORAGE_ACCOUNT_URL", "AZURE_CLIENT_ID"),
    "gcp": ("GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_REGION"),
}

LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class PlatformSettings:
    """Who and where this workload is."""

    environment: str
    cloud: str
    service_name: str
    image_version: str
    log_level: str
    aws_region: Optional[str] = None
    azure_storage_account_url: Optional[str] = None
    azure_client_id: Optional[str] = None
    google_cloud_project: Optional[str] = None
    google_cloud_region: Optional[str] = None


def read_platform(env: Mapping[str, str]) -> PlatformSettings:
    """Reads the common names and the current cloud's names; a cloud's required names must be present."""
    cloud = one_of(env, "PLATFORM_CLOUD", CLOUDS)
    settings = PlatformSettings(
        environment=required(env, "PLATFORM_ENVIRONMENT"),
        cloud=cloud,
        service_name=required(env, "SERVICE_NAME"),
        image_version=optional(env, "IMAGE_VERSION", "unknown") or "unknown",
        log_level=one_of(env, "LOG_LEVEL", LOG_LEVELS, "info"),
        aws_region=required(env, "AWS_REGION") if cloud == "aws" else None,
        azure_storage_account_url=required(env, "AZURE_STORAGE_ACCOUNT_URL") if cloud == "azure" else None,
        azure_client_id=optional(env, "AZURE_CLIENT_ID") if cloud == "azure" else None,
        google_cloud_project=required(env, "GOOGLE_CLOUD_PROJECT") if cloud == "gcp" else None,
        google_cloud_region=optional(env, "GOOGLE_CLOUD_REGION") if cloud == "gcp" else None,
    )
    if settings.azure_storage_account_url and not settings.azure_storage_account_url.startswith("https://"):
        raise ConfigError(f"environment variable AZURE_STORAGE_ACCOUNT_URL: expected https://<account>.blob.core.windows.net/, found {settings.azure_storage_account_url!r}")
    return settings


def bucket(env: Mapping[str, str], purpose: str) -> str:
    """`BUCKET_<PURPOSE>`: the bucket (AWS, Google) or blob container (Azure) of a purpose like `raw`."""
    return required(env, "BUCKET_" + purpose.upper().replace("-", "_"))


def configure_logging(settings: PlatformSettings) -> None:
    """One line per record, with the service and environment, at LOG_LEVEL."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format=f"%(asctime)s %(levelname)s {settings.service_name}/{settings.environment} %(name)s: %(message)s",
    )
