"""Google Cloud Storage through its JSON API over httpx (no google-cloud-storage client: Debian has none to test with).

Endpoints (https://cloud.google.com/storage/docs/json_api/v1): objects.insert (media upload),
objects.get (metadata, and `alt=media` for the bytes), objects.list (paged by `pageToken`).
"""
from __future__ import annotations

from typing import BinaryIO, Dict, List, Optional, Union
from urllib.parse import quote

import httpx

from ..gcp_token import MetadataServerToken, TokenProvider
from .object_storage import ObjectNotFound

GOOGLE_STORAGE_URL = "https://storage.googleapis.com"


class GcsStorage:
    """ObjectStorage on Cloud Storage. `base_url` points at a local stand-in in tests."""

    def __init__(self, token: Optional[TokenProvider] = None, base_url: str = GOOGLE_STORAGE_URL, client: Optional[httpx.Client] = None) -> None:
        self._token = token or MetadataServerToken()
        self._base = base_url.rstrip("/")
        self._client = client or httpx.Client(timeout=60.0)

    def _headers(self) -> Dict[str, str]:
        return {"Authorization": f"Bearer {self._token()}"}

    def _object_url(self, bucket: str, key: str) -> str:
        return f"{self._base}/storage/v1/b/{quote(bucket, safe='')}/o/{quote(key, safe='')}"

    def put(self, bucket: str, key: str, data: Union[bytes, BinaryIO], content_type: str) -> None:
        body = data if isinstance(data, (bytes, bytearray)) else data.read()
        response = self._client.post(
            f"{self._base}/upload/storage/v1/b/{quote(bucket, safe='')}/o",
            params={"uploadType": "media", "name": key},
            headers={**self._headers(), "Content-Type": content_type},
            content=bytes(body),
        )
        response.raise_for_status()

    def get(self, bucket: str, key: str) -> bytes:
        response = self._client.get(self._object_url(bucket, key), params={"alt": "media"}, headers=self._headers())
        if response.status_code == 404:
            raise ObjectNotFound(bucket, key)
        response.raise_for_status()
        return response.content

    def exists(self, bucket: str, key: str) -> bool:
        response = self._client.get(self._object_url(bucket, key), headers=self._headers())
        if response.status_code == 404:
            return False
        response.raise_for_status()
        return True

    def list_keys(self, bucket: str, prefix: str) -> List[str]:
        keys: List[str] = []
        params: Dict[str, str] = {"prefix": prefix, "fields": "items(name),nextPageToken"}
        while True:
            response = self._client.get(f"{self._base}/storage/v1/b/{quote(bucket, safe='')}/o", params=params, headers=self._headers())
            response.raise_for_status()
            body = response.json()
            keys.extend(item["name"] for item in body.get("items", []))
            token = body.get("nextPageToken")
            if not token:
                return sorted(keys)
            params["pageToken"] = token
