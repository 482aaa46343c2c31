"""The transform job's settings from the container environment contract, read once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from mlops_common.env import ConfigError, optional
from mlops_common.platform import CLOUD_ENV_NAMES, PLATFORM_ENV_NAMES, PlatformSettings, bucket, read_platform

#: Every name this image reads (plus CLOUD_ENV_NAMES of its cloud).
ENV_NAMES = PLATFORM_ENV_NAMES + ("BUCKET_RAW", "BUCKET_PROCESSED", "BUCKET_VIZ", "INPUT_BUCKET", "INPUT_KEY")
#: Read on Azure only: the queue the blob-created events wait in (the job deletes each one it has processed).
AZURE_QUEUE_ENV_NAMES = ("EVENT_QUEUE_URL",)
#: Set per run by the data trigger (AWS container override, Google workflow override), never by the stack.
RUNTIME_ENV_NAMES = ("INPUT_BUCKET", "INPUT_KEY")
__all__ = ["AZURE_QUEUE_ENV_NAMES", "CLOUD_ENV_NAMES", "ENV_NAMES", "RUNTIME_ENV_NAMES", "TransformSettings", "read_settings"]


@dataclass(frozen=True)
class TransformSettings:
    platform: PlatformSettings
    bucket_raw: str
    bucket_processed: str
    bucket_viz: str
    #: The object the data trigger names; None means "look for new objects under raw/incoming/".
    input_bucket: Optional[str]
    input_key: Optional[str]
    #: Azure: the Storage queue URL to take one blob-created event from; None elsewhere.
    event_queue_url: Optional[str] = None


def read_settings(env: Mapping[str, str]) -> TransformSettings:
    raw = bucket(env, "raw")
    input_key = optional(env, "INPUT_KEY")
    input_bucket = optional(env, "INPUT_BUCKET")
    if input_bucket and not input_key:
        raise ConfigError(f"environment variable INPUT_KEY is required when INPUT_BUCKET is set (expected the object key, found nothing; INPUT_BUCKET={input_bucket!r})")
    platform = read_platform(env)
    queue_url = optional(env, "EVENT_QUEUE_URL") if platform.cloud == "azure" else None
    if queue_url and not queue_url.startswith(("https://", "http://127.0.0.1")):
        raise ConfigError(f"environment variable EVENT_QUEUE_URL: expected https://<account>.queue.core.windows.net/<queue>, found {queue_url!r}")
    return TransformSettings(
        platform=platform,
        bucket_raw=raw,
        bucket_processed=bucket(env, "processed"),
        bucket_viz=bucket(env, "viz"),
        input_bucket=(input_bucket or raw) if input_key else None,
        input_key=input_key,
        event_queue_url=queue_url,
    )
