"""Object storage as the DAGs need it (list, read, write small text objects), one implementation per cloud.

The DAG code above names no cloud: `store_for(cloud)` picks S3 (the Amazon provider's S3Hook, so MWAA's
execution role signs), GCS (the Google provider's GCSHook, Composer's service account) or Azure Blob
(azure-storage-blob with Airflow's managed identity). Provider imports happen inside the methods, so a cloud's
libraries are only needed where that cloud's Airflow runs them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from mlops_platform import variables as V


@dataclass(frozen=True)
class StoredObject:
    """One object: its key, an opaque version tag (ETag / generation hash) and when it was last written."""

    key: str
    etag: str
    modified: dt.datetime


class ObjectStore(Protocol):
    """The three operations the DAGs use."""

    def list(self, bucket: str, prefix: str = "") -> list[StoredObject]: ...

    def read_text(self, bucket: str, key: str) -> str | None: ...

    def write_text(self, bucket: str, key: str, text: str) -> None: ...


class S3Store:
    """Amazon S3 through the Amazon provider's hook (the environment's AWS connection or execution role)."""

    def __init__(self, region: str) -> None:
        self.region = region

    def _client(self):  # type: ignore[no-untyped-def]
        from airflow.providers.amazon.aws.hooks.s3 import S3Hook

        return S3Hook(region_name=self.region).get_conn()

    def list(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        out: list[StoredObject] = []
        for page in self._client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for o in page.get("Contents", []):
                out.append(StoredObject(o["Key"], o["ETag"].strip('"'), o["LastModified"]))
        return out

    def read_text(self, bucket: str, key: str) -> str | None:
        client = self._client()
        try:
            return client.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        except client.exceptions.NoSuchKey:
            return None

    def write_text(self, bucket: str, key: str, text: str) -> None:
        self._client().put_object(Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType="application/json")


class GcsStore:
    """Google Cloud Storage through the Google provider's hook (Composer's service account)."""

    def _client(self):  # type: ignore[no-untyped-def]
        from airflow.providers.google.cloud.hooks.gcs import GCSHook

        return GCSHook().get_conn()

    def list(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        return [StoredObject(b.name, b.etag, b.updated) for b in self._client().list_blobs(bucket, prefix=prefix)]

    def read_text(self, bucket: str, key: str) -> str | None:
        blob = self._client().bucket(bucket).blob(key)
        return blob.download_as_text() if blob.exists() else None

    def write_text(self, bucket: str, key: str, text: str) -> None:
        self._client().bucket(bucket).blob(key).upload_from_string(text, content_type="application/json")


class AzureBlobStore:
    """Azure Blob Storage with Airflow's managed identity (shared keys are off on the platform's accounts)."""

    def __init__(self, account: str, client_id: str) -> None:
        self.account = account
        self.client_id = client_id

    def _container(self, name: str):  # type: ignore[no-untyped-def]
        from azure.identity import ManagedIdentityCredential
        from azure.storage.blob import BlobServiceClient

        credential = ManagedIdentityCredential(client_id=self.client_id or None)
        return BlobServiceClient(f"https://{self.account}.blob.core.windows.net", credential=credential).get_container_client(name)

    def list(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        blobs = self._container(bucket).list_blobs(name_starts_with=prefix or None)
        return [StoredObject(b.name, str(b.etag).strip('"'), b.last_modified) for b in blobs]

    def read_text(self, bucket: str, key: str) -> str | None:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            return self._container(bucket).download_blob(key).readall().decode("utf-8")
        except ResourceNotFoundError:
            return None

    def write_text(self, bucket: str, key: str, text: str) -> None:
        self._container(bucket).upload_blob(key, text.encode("utf-8"), overwrite=True)


def store_for(cloud: str) -> ObjectStore:
    """The object store of `cloud`, configured from the Airflow Variables."""
    if cloud == "aws":
        return S3Store(V.get(V.AWS_REGION))
    if cloud == "gcp":
        return GcsStore()
    if cloud == "azure":
        return AzureBlobStore(V.get(V.AZURE_STORAGE_ACCOUNT), V.get(V.AZURE_CLIENT_ID, ""))
    raise ValueError(f"no object store for cloud {cloud!r}")
