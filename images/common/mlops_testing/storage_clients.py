"""ObjectStorage clients aimed at the local servers, each with a fresh bucket (or container) of its own."""
from __future__ import annotations

import uuid
from typing import Tuple

import boto3
from botocore.config import Config

from mlops_common.storage import ObjectStorage
from mlops_common.storage.azure_blob import AzureBlobStorage
from mlops_common.storage.s3 import S3Storage

from .local_servers import AZURITE_ACCOUNT, AZURITE_KEY, LocalServer

REGION = "eu-central-1"


def s3_client(server: LocalServer):
    return boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=server.url,
        aws_access_key_id="S3RVER",
        aws_secret_access_key="S3RVER",
        config=Config(s3={"addressing_style": "path"}),
    )


def s3_storage(server: LocalServer, *buckets: str) -> Tuple[ObjectStorage, Tuple[str, ...]]:
    """S3Storage on s3rver with new buckets (one per name given, suffixed to stay unique)."""
    client = s3_client(server)
    names = tuple(f"{b}-{uuid.uuid4().hex[:10]}" for b in (buckets or ("bucket",)))
    for name in names:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return S3Storage(region=REGION, client=client), names


def azure_storage(server: LocalServer, *containers: str) -> Tuple[ObjectStorage, Tuple[str, ...]]:
    """AzureBlobStorage on azurite with new containers."""
    storage = AzureBlobStorage(account_url=f"{server.url}/{AZURITE_ACCOUNT}", credential={"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY})
    names = tuple(f"{c.replace('-', '')}{uuid.uuid4().hex[:10]}" for c in (containers or ("container",)))
    for name in names:
        storage._service.create_container(name)
    return storage, names
