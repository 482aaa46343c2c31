"""The receiver's settings from the container environment contract, read once at start."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Tuple

from mlops_common.auth import AUTH_ENV_NAMES, AuthSettings, read_auth
from mlops_common.env import comma_list, integer
from mlops_common.platform import CLOUD_ENV_NAMES, PLATFORM_ENV_NAMES, PlatformSettings, bucket, read_platform

DEFAULT_MAX_UPLOAD_BYTES = 104857600
DEFAULT_CONTENT_TYPES = ("text/csv", "application/json", "application/x-parquet", "application/octet-stream")

#: Every name this image reads (plus CLOUD_ENV_NAMES of its cloud).
ENV_NAMES = PLATFORM_ENV_NAMES + AUTH_ENV_NAMES + ("PORT", "BUCKET_RAW", "MAX_UPLOAD_BYTES", "ALLOWED_CONTENT_TYPES")
__all__ = ["CLOUD_ENV_NAMES", "ENV_NAMES", "ReceiverSettings", "read_settings"]


@dataclass(frozen=True)
class ReceiverSettings:
    platform: PlatformSettings
    auth: AuthSettings
    port: int
    bucket_raw: str
    max_upload_bytes: int
    allowed_content_types: Tuple[str, ...]


def read_settings(env: Mapping[str, str]) -> ReceiverSettings:
    return ReceiverSettings(
        platform=read_platform(env),
        auth=read_auth(env, admins_required=False),  # no admin routes here
        port=integer(env, "PORT", 8080, minimum=1),
        bucket_raw=bucket(env, "raw"),
        max_upload_bytes=integer(env, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES, minimum=1),
        allowed_content_types=tuple(t.lower() for t in comma_list(env, "ALLOWED_CONTENT_TYPES", DEFAULT_CONTENT_TYPES)),
    )
