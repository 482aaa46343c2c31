"""GIVEN the receiver on a real local S3 (s3rver) and a test issuer's JWKS
WHEN data files are posted THEN a signed-in caller's file lands at raw/incoming/<date>/<id>, and unauthenticated,
oversized, wrongly typed or empty uploads are refused with nothing written."""
from __future__ import annotations

import datetime
import re
import time
from typing import Dict, Iterator

import pytest
from fastapi.testclient import TestClient

from mlops_common.auth import TokenVerifier
from mlops_common.env import ConfigError
from mlops_testing.storage_clients import s3_storage
from receiver.app import create_app
from receiver.settings import read_settings

FIXED_NOW = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.timezone.utc)


def env_for(issuer, bucket: str, **over: str) -> Dict[str, str]:
    env = {
        "PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "aws", "SERVICE_NAME": "receiver", "IMAGE_VERSION": "t1",
        "AWS_REGION": "eu-central-1", "PORT": "8080", "BUCKET_RAW": bucket, "MAX_UPLOAD_BYTES": "1024",
        "AUTH_ISSUER": issuer.issuer, "AUTH_AUDIENCE": issuer.audience, "AUTH_JWKS_URI": issuer.jwks_uri,
        "AUTH_ADMIN_PATHS": "", "AUTH_ADMIN_CLAIM": "scope", "AUTH_ADMIN_VALUES": "mlops/admin",
    }
    env.update(over)
    return env


@pytest.fixture()
def receiver(s3rver, issuer) -> Iterator:
    storage, (bucket,) = s3_storage(s3rver, "raw")
    settings = read_settings(env_for(issuer, bucket))
    client = TestClient(create_app(settings, storage, TokenVerifier(settings.auth), clock=lambda: FIXED_NOW))
    yield client, storage, bucket


def auth(issuer, **claims) -> Dict[str, str]:
    return {"Authorization": f"Bearer {issuer.mint(**claims)}"}


def test_a_signed_in_upload_lands_under_raw_incoming_of_the_day_and_answers_the_key(receiver, issuer) -> None:
    client, storage, bucket = receiver
    body = b"age,signal,label\n31,0.4,1\n"
    r = client.post("/upload", content=body, headers={**auth(issuer), "Content-Type": "text/csv; charset=utf-8"})
    assert r.status_code == 201, r.text
    key = r.json()["key"]
    assert re.fullmatch(r"raw/incoming/2026-12-01/[0-9a-f]{32}\.csv", key)
    assert r.json()["bucket"] == bucket and r.json()["bytes"] == len(body)
    assert storage.get(bucket, key) == body


def test_two_uploads_get_two_keys(receiver, issuer) -> None:
    client, storage, bucket = receiver
    keys = {client.post("/upload", content=b"{}", headers={**auth(issuer), "Content-Type": "application/json"}).json()["key"] for _ in range(2)}
    assert len(keys) == 2
    assert all(k.endswith(".json") for k in keys)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwdw=="}, {"Authorization": "Bearer not-a-jwt"}])
def test_without_a_valid_bearer_token_nothing_is_written(receiver, headers) -> None:
    client, storage, bucket = receiver
    r = client.post("/upload", content=b"a\n1\n", headers={**headers, "Content-Type": "text/csv"})
    assert r.status_code == 401
    assert storage.list_keys(bucket, "") == []


def test_expired_and_forged_tokens_are_refused(receiver, issuer) -> None:
    client, storage, bucket = receiver
    past = int(time.time()) - 3600
    expired = {"Authorization": f"Bearer {issuer.mint(iat=past - 60, exp=past)}"}
    forged = {"Authorization": f"Bearer {issuer.mint_forged()}"}
    for headers in (expired, forged):
        assert client.post("/upload", content=b"a\n1\n", headers={**headers, "Content-Type": "text/csv"}).status_code == 401
    assert storage.list_keys(bucket, "") == []


def test_a_content_type_not_accepted_is_415_and_nothing_is_written(receiver, issuer) -> None:
    client, storage, bucket = receiver
    r = client.post("/upload", content=b"<html/>", headers={**auth(issuer), "Content-Type": "text/html"})
    assert r.status_code == 415
    assert "text/html is not accepted" in r.json()["detail"]
    assert storage.list_keys(bucket, "") == []


def test_a_declared_size_over_the_limit_is_413_and_nothing_is_written(receiver, issuer) -> None:
    client, storage, bucket = receiver
    r = client.post("/upload", content=b"x" * 1025, headers={**auth(issuer), "Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    assert storage.list_keys(bucket, "") == []


def test_a_streamed_body_over_the_limit_without_length_is_413(receiver, issuer) -> None:
    client, storage, bucket = receiver

    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b"y" * 300

    r = client.post("/upload", content=chunks(), headers={**auth(issuer), "Content-Type": "application/octet-stream"})
    assert r.status_code == 413
    assert storage.list_keys(bucket, "") == []


def test_exactly_the_limit_is_accepted_and_empty_is_400(receiver, issuer) -> None:
    client, storage, bucket = receiver
    assert client.post("/upload", content=b"z" * 1024, headers={**auth(issuer), "Content-Type": "application/octet-stream"}).status_code == 201
    assert client.post("/upload", content=b"", headers={**auth(issuer), "Content-Type": "text/csv"}).status_code == 400


def test_health_needs_no_token(receiver) -> None:
    client, _, _ = receiver
    assert client.get("/health").json()["status"] == "ok"


def test_settings_defaults_and_errors(issuer) -> None:
    env = env_for(issuer, "raw-bucket")
    del env["MAX_UPLOAD_BYTES"]
    s = read_settings(env)
    assert s.max_upload_bytes == 104857600
    assert s.allowed_content_types == ("text/csv", "application/json", "application/x-parquet", "application/octet-stream")
    with pytest.raises(ConfigError, match="MAX_UPLOAD_BYTES: expected an integer >= 1, found 'lots'"):
        read_settings(env_for(issuer, "b", MAX_UPLOAD_BYTES="lots"))
    with pytest.raises(ConfigError, match="BUCKET_RAW is required"):
        read_settings(env_for(issuer, ""))
    with pytest.raises(ConfigError, match="AWS_REGION is required"):
        read_settings({k: v for k, v in env_for(issuer, "b").items() if k != "AWS_REGION"})
