"""GIVEN uploads of each shape THEN the pure transformation keeps numeric columns and complete rows."""
from __future__ import annotations

import pytest

from mlops_common.env import ConfigError
from transform_job.settings import read_settings
from transform_job.transform import UnreadableData, parse_records, to_table


def test_json_lines_and_arrays_parse_alike() -> None:
    assert parse_records(b'{"a": 1}\n{"a": 2}\n', ".json") == parse_records(b'[{"a": 1}, {"a": 2}]', ".json")


def test_non_numeric_columns_and_incomplete_rows_are_dropped() -> None:
    table = to_table([{"a": "1", "b": "x", "c": ""}, {"a": "2", "b": "y", "c": "3"}, {"a": "nan", "b": "z", "c": "4"}])
    assert table.columns == ["c"]  # "nan" is not a finite number, so column a is not numeric
    assert table.rows == [[3.0], [4.0]] and table.dropped_rows == 1


@pytest.mark.parametrize("data, ext, message", [(b"\xff\xfe", ".csv", "not UTF-8"), (b"", ".csv", "header row"), (b"[1, 2]", ".json", "must be objects")])
def test_unreadable_uploads_say_why(data: bytes, ext: str, message: str) -> None:
    with pytest.raises(UnreadableData, match=message):
        parse_records(data, ext)


def test_input_bucket_without_input_key_is_a_config_error() -> None:
    env = {"PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "gcp", "SERVICE_NAME": "transform", "GOOGLE_CLOUD_PROJECT": "p", "BUCKET_RAW": "r", "BUCKET_PROCESSED": "p", "BUCKET_VIZ": "v"}
    assert read_settings(env).input_key is None
    assert read_settings({**env, "INPUT_KEY": "raw/incoming/d/x.csv"}).input_bucket == "r"
    with pytest.raises(ConfigError, match="INPUT_KEY is required when INPUT_BUCKET is set"):
        read_settings({**env, "INPUT_BUCKET": "r"})
