"""The transform job's settings from the container environment contract, read once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from mlops_common.env import ConfigError, optional
from mlops_common.platform import CLOUD_ENV_NAMES, PLATFORM_ENV_NAMES, PlatformSettings, bucket, read_platform

#: Every name this image reads (plus CLOUD_ENV_NAMES of its cloud).
ENV_NAMES = PLATFORM_ENV_NAMES + ("BUCKET_RAW", "BUCKET_PROCESSED", "BUCKET_VIZ", "INPUT_BUCKET", "INPUT_KEY")
__all__ = ["CLOUD_ENV_NAMES", "ENV_NAMES", "TransformSettings", "read_settings"]


@dataclass(frozen=True)
class TransformSettings:
    platform: PlatformSettings
    bucket_raw: str
    bucket_processed: str
    bucket_viz: str
    #: The object the data trigger names; None means "look for new objects under raw/incoming/".
    input_bucket: Optional[str]
    input_key: Optional[str]


def read_settings(env: Mapping[str, str]) -> TransformSettings:
    raw = bucket(env, "raw")
    input_key = optional(env, "INPUT_KEY")
    input_bucket = optional(env, "INPUT_BUCKET")
    if input_bucket and not input_key:
        raise ConfigError(f"environment variable INPUT_KEY is required when INPUT_BUCKET is set (expected the object key, found nothing; INPUT_BUCKET={input_bucket!r})")
    return TransformSettings(
        platform=read_platform(env),
        bucket_raw=raw,
        bucket_processed=bucket(env, "processed"),
        bucket_viz=bucket(env, "viz"),
        input_bucket=(input_bucket or raw) if input_key else None,
        input_key=input_key,
    )
