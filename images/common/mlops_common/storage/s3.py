"""Amazon S3 through boto3 (the task role's credentials, AWS_REGION)."""
from __future__ import annotations

from typing import Any, BinaryIO, List, Optional, Union

import boto3
from botocore.exceptions import ClientError

from .object_storage import ObjectNotFound

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    """ObjectStorage on S3. `endpoint_url` is for a local S3 (tests); production uses AWS's endpoint."""

    def __init__(self, region: str, endpoint_url: Optional[str] = None, client: Any = None) -> None:
        self._s3 = client or boto3.client("s3", region_name=region, endpoint_url=endpoint_url)

    def put(self, bucket: str, key: str, data: Union[bytes, BinaryIO], content_type: str) -> None:
        if isinstance(data, (bytes, bytearray)):
            self._s3.put_object(Bucket=bucket, Key=key, Body=bytes(data), ContentType=content_type)
        else:
            # upload_fileobj streams in parts: a 100 MiB upload never sits in memory twice.
            self._s3.upload_fileobj(data, bucket, key, ExtraArgs={"ContentType": content_type})

    def get(self, bucket: str, key: str) -> bytes:
        try:
            return self._s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                raise ObjectNotFound(bucket, key) from None
            raise

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self._s3.head_object(Bucket=bucket, Key=key)
            return True
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise

    def list_keys(self, bucket: str, prefix: str) -> List[str]:
        keys: List[str] = []
        for page in self._s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            keys.extend(o["Key"] for o in page.get("Contents", []))
        return sorted(keys)
