"""Access tokens for Google APIs from the metadata server (the Cloud Run service account), cached until shortly before expiry."""
from __future__ import annotations

import threading
import time
from typing import Callable, Optional

import httpx

METADATA_TOKEN_URL = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"

#: Anything that returns a current bearer token.
TokenProvider = Callable[[], str]


class MetadataServerToken:
    """A TokenProvider backed by the metadata server; refreshes 60 s before the token expires."""

    def __init__(self, url: str = METADATA_TOKEN_URL, client: Optional[httpx.Client] = None) -> None:
        self._url = url
        self._client = client or httpx.Client(timeout=10.0)
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() > self._expires_at - 60:
                response = self._client.get(self._url, headers={"Metadata-Flavor": "Google"})
                response.raise_for_status()
                body = response.json()
                self._token = str(body["access_token"])
                self._expires_at = time.monotonic() + float(body.get("expires_in", 300))
            return self._token
