"""Picks the storage implementation for PLATFORM_CLOUD; the only place that maps a cloud to a class."""
from __future__ import annotations

from ..platform import PlatformSettings
from .object_storage import ObjectStorage


def storage_for(settings: PlatformSettings) -> ObjectStorage:
    """The cloud's ObjectStorage, signed in with the workload's own identity."""
    if settings.cloud == "aws":
        from .s3 import S3Storage

        return S3Storage(region=settings.aws_region or "")
    if settings.cloud == "azure":
        from .azure_blob import AzureBlobStorage

        return AzureBlobStorage(account_url=settings.azure_storage_account_url or "", client_id=settings.azure_client_id)
    from .gcs import GcsStorage

    return GcsStorage()
