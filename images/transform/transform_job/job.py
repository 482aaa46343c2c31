"""One run of the transform job: the object the trigger names, or every raw/incoming/ object not yet processed.

raw/incoming/<date>/<id>.<ext>  ->  processed/<date>/<id>.csv (BUCKET_PROCESSED) and viz/<date>/<id>.json (BUCKET_VIZ).
An object counts as processed when its processed file exists. Logs "New data was transformed" or "nothing new"
(the seeds' DAG looked for these phrases). Exit codes: 0 done or nothing to do, 1 an object could not be read,
2 bad settings or an input outside raw/incoming/.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import posixpath
from typing import List, Optional, Tuple

from mlops_common.storage import ObjectNotFound, ObjectStorage

from .queue_event import MAX_ATTEMPTS, BadEvent, EventQueue, blob_of
from .settings import TransformSettings
from .transform import UnreadableData, parse_records, table_csv, to_table, viz_summary

INCOMING_PREFIX = "raw/incoming/"
SUPPORTED = (".csv", ".json")

log = logging.getLogger("transform")


def output_keys(raw_key: str) -> Tuple[str, str]:
    """(processed key, viz key) of a raw key under raw/incoming/."""
    relative = raw_key[len(INCOMING_PREFIX):]
    stem = posixpath.splitext(relative)[0]
    return f"processed/{stem}.csv", f"viz/{stem}.json"


def _pending(settings: TransformSettings, storage: ObjectStorage) -> List[str]:
    keys = [k for k in storage.list_keys(settings.bucket_raw, INCOMING_PREFIX) if not k.endswith("/")]
    return [k for k in keys if not storage.exists(settings.bucket_processed, output_keys(k)[0])]


def _transform_one(settings: TransformSettings, storage: ObjectStorage, bucket: str, key: str) -> Optional[bool]:
    """True when transformed, None when skipped (format not transformed), False when unreadable."""
    extension = posixpath.splitext(key)[1].lower()
    if extension not in SUPPORTED:
        log.warning("skipped %s/%s: only %s uploads are transformed", bucket, key, " and ".join(SUPPORTED))
        return None
    try:
        table = to_table(parse_records(storage.get(bucket, key), extension))
    except UnreadableData as e:
        log.error("cannot transform %s/%s: %s", bucket, key, e)
        return False
    except ObjectNotFound:
        log.error("cannot transform %s/%s: the object does not exist", bucket, key)
        return False
    processed_key, viz_key = output_keys(key)
    # Viz first: the processed file marks the object done, so it is written last.
    storage.put(settings.bucket_viz, viz_key, json.dumps(viz_summary(table, key), indent=2).encode(), "application/json")
    storage.put(settings.bucket_processed, processed_key, table_csv(table), "text/csv")
    log.info("transformed %s/%s -> %s (%d rows, %d dropped, columns %s)", bucket, key, processed_key, len(table.rows), table.dropped_rows, ", ".join(table.columns))
    return True


def run(settings: TransformSettings, storage: ObjectStorage) -> int:
    """The exit code of one run."""
    if settings.input_key is not None:
        if not settings.input_key.startswith(INCOMING_PREFIX):
            log.error("INPUT_KEY: expected a key under %s, found %r; nothing transformed", INCOMING_PREFIX, settings.input_key)
            return 2
        work = [(settings.input_bucket or settings.bucket_raw, settings.input_key)]
    else:
        work = [(settings.bucket_raw, k) for k in _pending(settings, storage)]
    results = [_transform_one(settings, storage, bucket, key) for bucket, key in work]
    transformed = sum(1 for r in results if r is True)
    if transformed:
        log.info("New data was transformed: %d object(s)", transformed)
    else:
        log.info("nothing new")
    return 1 if any(r is False for r in results) else 0


def run_from_queue(settings: TransformSettings, storage: ObjectStorage, queue: EventQueue) -> int:
    """Azure: one event from the queue, transformed, then deleted (see queue_event.py for when it is kept).

    An empty queue (the job started by hand or by Airflow) falls back to looking for new objects."""
    taken = queue.take()
    if taken is None:
        log.info("no event waiting in the queue: looking for new objects under %s", INCOMING_PREFIX)
        return run(settings, storage)
    handle, text, attempt = taken
    try:
        container, key = blob_of(text)
    except BadEvent as e:
        log.error("dropped a queue message that names no blob: %s", e)
        queue.delete(handle)
        return 1
    if container != settings.bucket_raw:
        log.error("dropped the event for %s/%s: expected a blob in %s (BUCKET_RAW)", container, key, settings.bucket_raw)
        queue.delete(handle)
        return 2
    try:
        code = run(dataclasses.replace(settings, input_bucket=container, input_key=key), storage)
    except Exception:  # storage or network trouble: worth another attempt, not an endless one
        if attempt >= MAX_ATTEMPTS:
            log.exception("giving up on %s/%s after %d attempts: event deleted, re-upload to try again", container, key, attempt)
            queue.delete(handle)
        else:
            log.exception("transform of %s/%s failed (attempt %d of %d): the event comes back to the queue", container, key, attempt, MAX_ATTEMPTS)
        return 1
    # Done, skipped, unreadable or outside raw/incoming/: another run would end the same way.
    queue.delete(handle)
    return code
