"""Google-signed ID tokens for MLflow on Cloud Run, from the metadata server, refreshed before they expire.

MLflow runs on Google with Cloud Run IAM on (only its named callers hold roles/run.invoker), so every call must
carry `Authorization: Bearer <ID token>` whose audience is MLflow's URL. The metadata server of a Cloud Run job
signs one for the job's service account:
  GET http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity?audience=<aud>
  Metadata-Flavor: Google  ->  the JWT as text (https://cloud.google.com/run/docs/authenticating/service-to-service).
Tokens live one hour; a run can outlive that (the job's timeout is an hour, retries more), so the token is
fetched again `REFRESH_MARGIN_SECONDS` before the `exp` its payload names.
"""
from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from typing import Callable, Optional
from urllib.parse import urlsplit

import httpx

METADATA_IDENTITY_URL = "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/identity"
REFRESH_MARGIN_SECONDS = 300


class IdTokenError(Exception):
    """The metadata server did not give an ID token; says where it asked and what happened."""


def audience_of(url: str) -> str:
    """The origin of `url` (`https://mlflow-123.europe-west1.run.app`): what Cloud Run accepts as the audience."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IdTokenError(f"ID token audience: expected an http(s) URL, found {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _expiry(token: str) -> float:
    """The `exp` claim (seconds since the epoch) of a JWT, read without verifying it (Google's front end verifies)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError, binascii.Error) as e:
        raise IdTokenError(f"the metadata server's answer is not a JWT with an exp claim ({type(e).__name__})") from None


class MetadataServerIdToken:
    """A bearer token provider: the current ID token for `audience`, cached until shortly before it expires."""

    def __init__(self, audience: str, url: str = METADATA_IDENTITY_URL, client: Optional[httpx.Client] = None, clock: Callable[[], float] = time.time) -> None:
        self._audience = audience
        self._url = url
        self._client = client or httpx.Client(timeout=10.0)
        self._clock = clock
        self._token: Optional[str] = None
        self._expires_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            if self._token is None or self._clock() > self._expires_at - REFRESH_MARGIN_SECONDS:
                self._token = self._fetch()
                self._expires_at = _expiry(self._token)
            return self._token

    def _fetch(self) -> str:
        where = f"metadata server {self._url}"
        try:
            response = self._client.get(self._url, params={"audience": self._audience}, headers={"Metadata-Flavor": "Google"})
        except httpx.HTTPError as e:
            raise IdTokenError(f"ID token for {self._audience}: {where} unreachable ({type(e).__name__}: {e}); the train job signs in to MLflow this way only on Google Cloud (PLATFORM_CLOUD=gcp)") from None
        if response.status_code != 200:
            raise IdTokenError(f"ID token for {self._audience}: {where} answered HTTP {response.status_code} {response.text[:200]}")
        token = response.text.strip()
        if not token:
            raise IdTokenError(f"ID token for {self._audience}: {where} answered an empty body")
        return token
