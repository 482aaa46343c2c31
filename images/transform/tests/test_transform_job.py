"""GIVEN raw uploads in a real local bucket (s3rver and azurite) WHEN the transform job runs
THEN it writes processed and viz data for the object the trigger names, or for every object not yet processed,
and says "nothing new" (exit 0) when there is nothing to do."""
from __future__ import annotations

import csv
import io
import json
import logging
from typing import Dict, Iterator, Tuple

import pytest

from mlops_common.storage import ObjectStorage
from mlops_testing.storage_clients import azure_storage, s3_storage
from transform_job.job import output_keys, run
from transform_job.settings import TransformSettings, read_settings

CSV = b"age,signal,site,label\n31,0.4,a,1\n45,,b,0\n52,0.9,c,1\n"


@pytest.fixture(params=["s3", "azure"])
def world(request) -> Iterator[Tuple[ObjectStorage, Dict[str, str]]]:
    if request.param == "s3":
        storage, (raw, processed, viz) = s3_storage(request.getfixturevalue("s3rver"), "raw", "processed", "viz")
        env = {"PLATFORM_CLOUD": "aws", "AWS_REGION": "eu-central-1"}
    else:
        storage, (raw, processed, viz) = azure_storage(request.getfixturevalue("azurite"), "raw", "processed", "viz")
        env = {"PLATFORM_CLOUD": "azure", "AZURE_STORAGE_ACCOUNT_URL": "https://acct.blob.core.windows.net/"}
    env.update({"PLATFORM_ENVIRONMENT": "dev", "SERVICE_NAME": "transform", "BUCKET_RAW": raw, "BUCKET_PROCESSED": processed, "BUCKET_VIZ": viz})
    yield storage, env


def settings(env: Dict[str, str], **over: str) -> TransformSettings:
    return read_settings({**env, **over})


def test_the_named_object_becomes_processed_csv_and_viz_json(world, caplog) -> None:
    storage, env = world
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/u1.csv", CSV, "text/csv")
    caplog.set_level(logging.INFO)
    assert run(settings(env, INPUT_BUCKET=env["BUCKET_RAW"], INPUT_KEY="raw/incoming/2026-12-01/u1.csv"), storage) == 0
    rows = list(csv.reader(io.StringIO(storage.get(env["BUCKET_PROCESSED"], "processed/2026-12-01/u1.csv").decode())))
    assert rows == [["age", "signal", "label"], ["31", "0.4", "1"], ["52", "0.9", "1"]]
    viz = json.loads(storage.get(env["BUCKET_VIZ"], "viz/2026-12-01/u1.json"))
    assert viz["rows"] == 2 and viz["droppedRows"] == 1
    assert viz["columns"]["age"]["mean"] == pytest.approx(41.5)
    assert sum(viz["columns"]["signal"]["histogram"]["counts"]) == 2
    assert "New data was transformed: 1 object(s)" in caplog.text


def test_without_input_key_only_unprocessed_objects_are_transformed(world) -> None:
    storage, env = world
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-11-30/old.csv", CSV, "text/csv")
    storage.put(env["BUCKET_PROCESSED"], "processed/2026-11-30/old.csv", b"already", "text/csv")
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/new.json", b'[{"x": 1, "label": 0}, {"x": 2, "label": 1}]', "application/json")
    assert run(settings(env), storage) == 0
    assert storage.get(env["BUCKET_PROCESSED"], "processed/2026-11-30/old.csv") == b"already"
    assert storage.get(env["BUCKET_PROCESSED"], "processed/2026-12-01/new.csv") == b"x,label\n1,0\n2,1\n"
    assert storage.list_keys(env["BUCKET_VIZ"], "viz/") == ["viz/2026-12-01/new.json"]


def test_nothing_new_logs_it_and_exits_0_writing_nothing(world, caplog) -> None:
    storage, env = world
    caplog.set_level(logging.INFO)
    assert run(settings(env), storage) == 0
    assert "nothing new" in caplog.text
    assert storage.list_keys(env["BUCKET_PROCESSED"], "") == [] and storage.list_keys(env["BUCKET_VIZ"], "") == []


def test_an_unreadable_object_exits_1_but_the_others_are_transformed(world, caplog) -> None:
    storage, env = world
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/bad.json", b"{not json", "application/json")
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/good.csv", CSV, "text/csv")
    assert run(settings(env), storage) == 1
    assert storage.list_keys(env["BUCKET_PROCESSED"], "") == ["processed/2026-12-01/good.csv"]
    assert "cannot transform" in caplog.text and "bad.json" in caplog.text


def test_an_input_key_outside_raw_incoming_exits_2_writing_nothing(world) -> None:
    storage, env = world
    storage.put(env["BUCKET_RAW"], "elsewhere/x.csv", CSV, "text/csv")
    assert run(settings(env, INPUT_KEY="elsewhere/x.csv"), storage) == 2
    assert storage.list_keys(env["BUCKET_PROCESSED"], "") == []


def test_formats_not_transformed_are_skipped_not_failed(world, caplog) -> None:
    storage, env = world
    storage.put(env["BUCKET_RAW"], "raw/incoming/2026-12-01/p.parquet", b"PAR1", "application/x-parquet")
    caplog.set_level(logging.INFO)
    assert run(settings(env), storage) == 0
    assert "skipped" in caplog.text and "nothing new" in caplog.text


def test_output_keys_follow_the_raw_key() -> None:
    assert output_keys("raw/incoming/2026-12-01/abc.csv") == ("processed/2026-12-01/abc.csv", "viz/2026-12-01/abc.json")
    assert output_keys("raw/incoming/2026-12-01/abc") == ("processed/2026-12-01/abc.csv", "viz/2026-12-01/abc.json")
