"""What the DAGs decide from the data buckets: is there new data, and did the data change since the last training.

The seeds read a container's log for "New data was transformed" and compared DVC commits; here the buckets
are the record: objects the transform wrote after it started are new data, and a fingerprint of the
processed set (keys and version tags) against the one stored at the last training says whether it changed.
The DAGs' own records live under `_datasets/` in the bucket and never count as data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from mlops_platform.storage import ObjectStore, StoredObject

RECORDS = "_datasets/"
LAST_TRAINED = RECORDS + "last-trained.json"


def data_objects(store: ObjectStore, bucket: str) -> list[StoredObject]:
    """Every data object of `bucket`, the DAGs' records left out, in key order."""
    return sorted((o for o in store.list(bucket) if not o.key.startswith(RECORDS)), key=lambda o: o.key)


def written_since(store: ObjectStore, bucket: str, since: dt.datetime) -> list[StoredObject]:
    """Data objects of `bucket` written at or after `since` (timezone-aware)."""
    return [o for o in data_objects(store, bucket) if o.modified >= since]


def fingerprint(objects: list[StoredObject]) -> str:
    """A digest of the set: changes when an object is added, removed or rewritten."""
    h = hashlib.sha256()
    for o in sorted(objects, key=lambda o: o.key):
        h.update(f"{o.key}\0{o.etag}\n".encode("utf-8"))
    return h.hexdigest()


def record_load(store: ObjectStore, bucket: str, run_id: str, objects: list[StoredObject]) -> str:
    """Writes the data set version this run produced (what the seeds committed to DVC); returns its key."""
    key = f"{RECORDS}loads/{_safe(run_id)}.json"
    doc = {
        "run_id": run_id,
        "fingerprint": fingerprint(data_objects(store, bucket)),
        "new_objects": [{"key": o.key, "etag": o.etag} for o in objects],
    }
    store.write_text(bucket, key, json.dumps(doc, indent=2, sort_keys=True))
    return key


def last_trained(store: ObjectStore, bucket: str) -> str:
    """The fingerprint the last training ran on, "" when none did."""
    text = store.read_text(bucket, LAST_TRAINED)
    if not text:
        return ""
    return str(json.loads(text).get("fingerprint", ""))


def record_trained(store: ObjectStore, bucket: str, fp: str, run_id: str) -> None:
    """Remembers that training ran on the data set `fp`."""
    store.write_text(bucket, LAST_TRAINED, json.dumps({"fingerprint": fp, "run_id": run_id}, sort_keys=True))


def _safe(run_id: str) -> str:
    # Run ids hold ':' and '+' (scheduled__2026-12-01T09:00:00+00:00); keep keys plain.
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in run_id)
