"""GIVEN blob-created events in a real Storage queue (azurite's queue service) WHEN the Azure transform runs
THEN it transforms the blob the event names and deletes the event; a failing run leaves it for a retry, at most
MAX_ATTEMPTS times, and an event it can never process is deleted at once: KEDA never restarts a run forever."""
from __future__ import annotations

import base64
import json
import uuid
from typing import Dict, Iterator, Tuple

import pytest

from mlops_testing.local_servers import AZURITE_ACCOUNT, AZURITE_KEY, LocalServer
from mlops_testing.storage_clients import azure_storage
from transform_job import queue_event
from transform_job.job import run_from_queue
from transform_job.queue_event import MAX_ATTEMPTS, AzureEventQueue, BadEvent, blob_of
from transform_job.settings import read_settings

CSV = b"age,signal,label\n31,0.4,1\n52,0.9,0\n"
KEY = {"account_name": AZURITE_ACCOUNT, "account_key": AZURITE_KEY}


def event(container: str, blob: str, kind: str = "Microsoft.Storage.BlobCreated") -> str:
    """A message as Event Grid writes it to a Storage queue: Base64 of the event's JSON."""
    body = {"topic": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/data", "eventType": kind,
            "subject": f"/blobServices/default/containers/{container}/blobs/{blob}", "id": str(uuid.uuid4()),
            "data": {"url": f"https://data.blob.core.windows.net/{container}/{blob}"}, "dataVersion": "", "metadataVersion": "1"}
    return base64.b64encode(json.dumps(body).encode()).decode()


@pytest.fixture()
def world(azurite: LocalServer, azurite_queue: LocalServer) -> Iterator[Tuple[object, Dict[str, str], object, str]]:
    from azure.storage.queue import QueueClient

    storage, (raw, processed, viz) = azure_storage(azurite, "raw", "processed", "viz")
    url = f"{azurite_queue.url}/{AZURITE_ACCOUNT}/transform-events-{uuid.uuid4().hex[:8]}"
    client = QueueClient.from_queue_url(url, credential=KEY)
    client.create_queue()
    env = {"PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "azure", "SERVICE_NAME": "transform", "AZURE_STORAGE_ACCOUNT_URL": "https://acct.blob.core.windows.net/",
           "BUCKET_RAW": raw, "BUCKET_PROCESSED": processed, "BUCKET_VIZ": viz, "EVENT_QUEUE_URL": url}
    yield storage, env, client, url
    client.delete_queue()


def waiting(client) -> int:
    return int(client.get_queue_properties().approximate_message_count)


def test_the_event_is_transformed_and_deleted(world) -> None:
    storage, env, client, url = world
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/u1.csv", CSV, "text/csv")
    client.send_message(event(env["BUCKET_RAW"], "raw/incoming/2026-12-01/u1.csv"))
    settings = read_settings(env)
    assert settings.event_queue_url == url
    assert run_from_queue(settings, storage, AzureEventQueue(url, credential=KEY)) == 0
    assert storage.get(env["BUCKET_PROCESSED"], "processed/2026-12-01/u1.csv").startswith(b"age,signal,label")
    assert waiting(client) == 0


def test_a_failing_run_keeps_the_event_until_the_last_attempt(world, monkeypatch) -> None:
    storage, env, client, url = world
    client.send_message(event(env["BUCKET_RAW"], "raw/incoming/2026-12-01/u2.csv"))
    monkeypatch.setattr(queue_event, "VISIBILITY_SECONDS", 1)  # come back at once, as after a crashed execution

    class Broken:
        def get(self, bucket: str, key: str) -> bytes:
            raise ConnectionError("storage unreachable")

    queue = AzureEventQueue(url, credential=KEY)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        import time
        time.sleep(1.2 if attempt > 1 else 0)
        assert run_from_queue(read_settings(env), Broken(), queue) == 1  # type: ignore[arg-type]
        assert waiting(client) == (1 if attempt < MAX_ATTEMPTS else 0), f"after attempt {attempt}"


@pytest.mark.parametrize("message, code", [
    ("bm90IGpzb24=", 1),  # Base64 of "not json"
    (event("raw", "raw/incoming/x.csv", kind="Microsoft.Storage.BlobDeleted"), 1),
])
def test_an_event_that_can_never_succeed_is_deleted_at_once(world, message: str, code: int) -> None:
    storage, env, client, url = world
    client.send_message(message)
    assert run_from_queue(read_settings(env), storage, AzureEventQueue(url, credential=KEY)) == code
    assert waiting(client) == 0


def test_an_event_of_another_container_is_dropped_with_exit_2(world) -> None:
    storage, env, client, url = world
    client.send_message(event("elsewhere", "raw/incoming/x.csv"))
    assert run_from_queue(read_settings(env), storage, AzureEventQueue(url, credential=KEY)) == 2
    assert waiting(client) == 0


def test_an_empty_queue_falls_back_to_looking_for_new_objects(world, caplog) -> None:
    storage, env, _, url = world
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/u3.json", b'[{"x": 1, "label": 0}]', "application/json")
    assert run_from_queue(read_settings(env), storage, AzureEventQueue(url, credential=KEY)) == 0
    assert storage.exists(env["BUCKET_PROCESSED"], "processed/2026-12-01/u3.csv")


def test_blob_of_reads_plain_json_and_a_list_of_one_and_names_what_is_wrong() -> None:
    body = json.loads(base64.b64decode(event("raw", "raw/incoming/a.csv")))
    assert blob_of(json.dumps(body)) == ("raw", "raw/incoming/a.csv")
    assert blob_of(json.dumps([body])) == ("raw", "raw/incoming/a.csv")
    with pytest.raises(BadEvent, match="subject /blobServices/default/containers/<container>/blobs/<name>"):
        blob_of(json.dumps({**body, "subject": "/blobServices/default/containers/raw"}))


def test_the_queue_url_is_read_on_azure_only() -> None:
    env = {"PLATFORM_ENVIRONMENT": "dev", "SERVICE_NAME": "transform", "BUCKET_RAW": "r", "BUCKET_PROCESSED": "p", "BUCKET_VIZ": "v",
           "EVENT_QUEUE_URL": "https://q.queue.core.windows.net/transform-events"}
    assert read_settings({**env, "PLATFORM_CLOUD": "aws", "AWS_REGION": "eu-central-1"}).event_queue_url is None
    with pytest.raises(Exception, match="EVENT_QUEUE_URL: expected https://"):
        read_settings({**env, "PLATFORM_CLOUD": "azure", "AZURE_STORAGE_ACCOUNT_URL": "https://a.blob.core.windows.net/", "EVENT_QUEUE_URL": "ftp://x"})
