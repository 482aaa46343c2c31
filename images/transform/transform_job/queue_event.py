"""Azure: the blob-created event a queue-triggered execution works on, read from EVENT_QUEUE_URL.

Event Grid delivers each `Microsoft.Storage.BlobCreated` event as one queue message (Base64 of the event's JSON);
KEDA starts one execution per message. The execution takes one message (hidden for longer than the job may run),
transforms the blob its subject names, and deletes the message with its own identity (Storage Queue Data Message
Processor). A message whose run failed for a passing reason comes back after the visibility timeout and is tried
again, at most MAX_ATTEMPTS times; a message that cannot succeed (not a blob event, a blob outside raw/incoming/,
unreadable data, the last attempt) is deleted with an error logged, so KEDA never restarts a run forever.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any, Optional, Protocol, Tuple

#: Tries of one event before it is dropped with an error (the first plus two retries).
MAX_ATTEMPTS = 3
#: Seconds a taken message stays hidden: longer than the job's replica timeout (1800 s, modules/azure/container-app-job.ts).
VISIBILITY_SECONDS = 2100

_SUBJECT = "/blobServices/default/containers/"


class BadEvent(Exception):
    """The message is not a blob-created event this job can act on."""


@dataclass(frozen=True)
class QueuedEvent:
    """One taken message: the blob it names, how often it was taken, and what deleting it needs."""

    container: str
    key: str
    attempt: int
    handle: Any


class EventQueue(Protocol):
    def take(self) -> Optional[Tuple[Any, str, int]]:
        """(handle, message text, dequeue count) of one message, hidden from others; None when the queue is empty."""

    def delete(self, handle: Any) -> None:
        """Removes the taken message."""


def blob_of(text: str) -> Tuple[str, str]:
    """(container, blob name) of an Event Grid BlobCreated event, as Base64 or plain JSON (one event or a list of one)."""
    try:
        decoded = base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = text
    try:
        event = json.loads(decoded)
    except json.JSONDecodeError:
        raise BadEvent(f"expected an Event Grid event as JSON, found {text[:80]!r}") from None
    if isinstance(event, list) and len(event) == 1:
        event = event[0]
    if not isinstance(event, dict):
        raise BadEvent(f"expected one Event Grid event, found {type(event).__name__}")
    kind = event.get("eventType") or event.get("type")
    subject = event.get("subject")
    if kind != "Microsoft.Storage.BlobCreated" or not isinstance(subject, str) or not subject.startswith(_SUBJECT):
        raise BadEvent(f"expected a Microsoft.Storage.BlobCreated event with a blob subject, found type {kind!r}, subject {subject!r}")
    container, sep, blob = subject[len(_SUBJECT):].partition("/blobs/")
    if not sep or not container or not blob:
        raise BadEvent(f"expected a subject /blobServices/default/containers/<container>/blobs/<name>, found {subject!r}")
    return container, blob


class AzureEventQueue:
    """EventQueue on a Storage queue, signed in as the job's user-assigned identity (tests pass azurite's key)."""

    def __init__(self, queue_url: str, client_id: Optional[str] = None, credential: Any = None) -> None:
        from azure.storage.queue import QueueClient

        if credential is None:
            from azure.identity import DefaultAzureCredential

            credential = DefaultAzureCredential(managed_identity_client_id=client_id) if client_id else DefaultAzureCredential()
        self._queue = QueueClient.from_queue_url(queue_url, credential=credential)

    def take(self) -> Optional[Tuple[Any, str, int]]:
        message = self._queue.receive_message(visibility_timeout=VISIBILITY_SECONDS)
        if message is None:
            return None
        return message, str(message.content), int(message.dequeue_count or 1)

    def delete(self, handle: Any) -> None:
        self._queue.delete_message(handle)
