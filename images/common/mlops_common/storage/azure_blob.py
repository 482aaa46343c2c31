"""Azure Blob Storage through azure-storage-blob; production signs in with the workload's managed identity."""
from __future__ import annotations

from typing import Any, BinaryIO, List, Optional, Union

from azure.core.exceptions import ResourceNotFoundError
from azure.storage.blob import BlobServiceClient, ContentSettings

from .object_storage import ObjectNotFound


class AzureBlobStorage:
    """ObjectStorage on one storage account: "buckets" are its blob containers.

    `credential` defaults to DefaultAzureCredential for the user-assigned identity AZURE_CLIENT_ID (the account
    refuses shared keys); tests pass azurite's account key.
    """

    def __init__(self, account_url: str, client_id: Optional[str] = None, credential: Any = None) -> None:
        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential(managed_identity_client_id=client_id) if client_id else DefaultAzureCredential()
        self._service = BlobServiceClient(account_url=account_url, credential=credential)

    def put(self, bucket: str, key: str, data: Union[bytes, BinaryIO], content_type: str) -> None:
        blob = self._service.get_blob_client(container=bucket, blob=key)
        blob.upload_blob(data, overwrite=True, content_settings=ContentSettings(content_type=content_type))

    def get(self, bucket: str, key: str) -> bytes:
        try:
            return self._service.get_blob_client(container=bucket, blob=key).download_blob().readall()
        except ResourceNotFoundError:
            raise ObjectNotFound(bucket, key) from None

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self._service.get_blob_client(container=bucket, blob=key).get_blob_properties()
            return True
        except ResourceNotFoundError:
            return False

    def list_keys(self, bucket: str, prefix: str) -> List[str]:
        container = self._service.get_container_client(bucket)
        return sorted(b.name for b in container.list_blobs(name_starts_with=prefix))
