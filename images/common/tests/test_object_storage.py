"""GIVEN each cloud's ObjectStorage against a real local server (s3rver, azurite) or the GCS stand-in
THEN they behave alike: what a workload writes it reads back, lists by prefix, and a missing key is ObjectNotFound."""
from __future__ import annotations

import io
from typing import Iterator, Tuple

import pytest

from mlops_common.storage import ObjectNotFound, ObjectStorage
from mlops_common.storage.gcs import GcsStorage
from mlops_testing.gcs_standin import TOKEN
from mlops_testing.storage_clients import azure_storage, s3_storage


@pytest.fixture(params=["s3", "azure", "gcs"])
def storage(request) -> Iterator[Tuple[ObjectStorage, str]]:
    if request.param == "s3":
        store, (bucket,) = s3_storage(request.getfixturevalue("s3rver"))
        yield store, bucket
    elif request.param == "azure":
        store, (container,) = azure_storage(request.getfixturevalue("azurite"))
        yield store, container
    else:
        gcs = request.getfixturevalue("gcs")
        yield GcsStorage(token=lambda: TOKEN, base_url=gcs.url), "bucket-1"


def test_put_then_get_returns_the_bytes(storage) -> None:
    store, bucket = storage
    store.put(bucket, "raw/incoming/2026-12-01/a.csv", b"x,y\n1,2\n", "text/csv")
    assert store.get(bucket, "raw/incoming/2026-12-01/a.csv") == b"x,y\n1,2\n"


def test_put_from_a_file_object_streams_all_of_it(storage) -> None:
    store, bucket = storage
    payload = bytes(range(256)) * 4096  # 1 MiB
    store.put(bucket, "big/object.bin", io.BytesIO(payload), "application/octet-stream")
    assert store.get(bucket, "big/object.bin") == payload


def test_exists_is_true_only_for_an_exact_key(storage) -> None:
    store, bucket = storage
    store.put(bucket, "processed/2026-12-01/a.csv", b"1", "text/csv")
    assert store.exists(bucket, "processed/2026-12-01/a.csv")
    assert not store.exists(bucket, "processed/2026-12-01/a")
    assert not store.exists(bucket, "processed/2026-12-01/b.csv")


def test_list_keys_returns_every_key_under_the_prefix_sorted_across_pages(storage) -> None:
    store, bucket = storage
    for name in ["raw/incoming/d2/b", "raw/incoming/d1/a", "raw/incoming/d1/c", "raw/other/x", "metrics/m.json"]:
        store.put(bucket, name, b"1", "application/octet-stream")
    assert store.list_keys(bucket, "raw/incoming/") == ["raw/incoming/d1/a", "raw/incoming/d1/c", "raw/incoming/d2/b"]
    assert store.list_keys(bucket, "nothing/") == []


def test_get_of_a_missing_key_raises_object_not_found(storage) -> None:
    store, bucket = storage
    with pytest.raises(ObjectNotFound) as e:
        store.get(bucket, "missing/key")
    assert e.value.key == "missing/key"


def test_gcs_sends_the_bearer_token_from_its_provider(gcs) -> None:
    GcsStorage(token=lambda: TOKEN, base_url=gcs.url).put("b", "k", b"1", "text/plain")
    assert gcs.server.requests[-1].headers["authorization"] == f"Bearer {TOKEN}"
    with pytest.raises(Exception):
        GcsStorage(token=lambda: "wrong", base_url=gcs.url).get("b", "k")
