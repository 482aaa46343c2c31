"""GIVEN processed data in a real local bucket (s3rver) and the MLflow REST stand-in WHEN the train job runs
THEN MLflow holds the run (params, metrics, model), the bucket holds models/<model>/<version>/model.json and
metrics/<model>.json, and scripts/write-manifest.ts turns that metrics file into a valid manifest."""
from __future__ import annotations

import datetime
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mlops_common.linear_model import LinearClassifier
from mlops_testing.storage_clients import s3_storage
from train_job.job import run
from train_job.settings import read_settings
from train_job.tracker import MlflowRestTracker

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone.utc)


def processed_csv(n: int = 40, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.normal(size=(n, 2)) + y[:, None] * 3
    return ("age,signal,label\n" + "".join(f"{a!r},{b!r},{t}\n" for (a, b), t in zip(x.tolist(), y.tolist()))).encode()


@pytest.fixture()
def world(s3rver, mlflow_server):
    storage, (processed, artifacts) = s3_storage(s3rver, "processed", "mlflow-artifacts")
    env = {
        "PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "aws", "SERVICE_NAME": "train", "AWS_REGION": "eu-central-1",
        "MLFLOW_TRACKING_URI": mlflow_server.url, "MODEL_NAME": "model-api", "BUCKET_PROCESSED": processed, "BUCKET_MLFLOW_ARTIFACTS": artifacts,
    }
    return storage, read_settings(env), mlflow_server


def test_a_run_tracks_in_mlflow_and_leaves_the_model_and_its_metrics(world) -> None:
    storage, settings, mlflow = world
    storage.put(settings.bucket_processed, "processed/2026-12-01/a.csv", processed_csv(), "text/csv")
    storage.put(settings.bucket_processed, "processed/2026-12-01/b.csv", processed_csv(seed=4), "text/csv")
    assert run(settings, storage, MlflowRestTracker(settings.mlflow_tracking_uri), clock=lambda: NOW) == 0

    metrics = json.loads(storage.get(settings.bucket_mlflow_artifacts, "metrics/model-api.json"))
    assert set(metrics) == {"primaryMetric", "metrics", "version"}
    assert metrics["primaryMetric"] == "f1" and set(metrics["metrics"]) == {"f1", "auc", "accuracy"}
    assert metrics["version"].startswith("2026-12-01.")
    model = LinearClassifier.from_json(storage.get(settings.bucket_mlflow_artifacts, f"models/model-api/{metrics['version']}/model.json"))
    assert model.features == ["age", "signal"]

    (run_id, mlflow_run), = mlflow.runs.items()
    assert mlflow_run["status"] == "FINISHED"
    assert mlflow_run["tags"]["mlops.model_version"] == metrics["version"]
    assert mlflow_run["metrics"] == metrics["metrics"]
    assert mlflow_run["params"]["data_files"] == "2" and mlflow_run["params"]["rows_train"] == "60"
    assert mlflow.artifacts[f"1/{run_id}/artifacts/model/model.json"] == model.to_json()


def test_each_run_keeps_its_own_metrics_file_and_the_latest_pointer_follows_the_last_run(world) -> None:
    storage, settings, mlflow = world
    storage.put(settings.bucket_processed, "processed/2026-12-01/a.csv", processed_csv(), "text/csv")
    assert run(settings, storage, MlflowRestTracker(settings.mlflow_tracking_uri), clock=lambda: NOW) == 0
    first = json.loads(storage.get(settings.bucket_mlflow_artifacts, "metrics/model-api.json"))
    storage.put(settings.bucket_processed, "processed/2026-12-02/b.csv", processed_csv(seed=9), "text/csv")
    assert run(settings, storage, MlflowRestTracker(settings.mlflow_tracking_uri), clock=lambda: NOW + datetime.timedelta(days=1)) == 0
    latest = json.loads(storage.get(settings.bucket_mlflow_artifacts, "metrics/model-api.json"))
    assert first["version"] != latest["version"] and latest["version"].startswith("2026-12-02.")
    # A chosen run's metrics stay copyable by its version (the MLflow tag mlops.model_version) after later runs.
    assert json.loads(storage.get(settings.bucket_mlflow_artifacts, f"metrics/model-api/{first['version']}.json")) == first
    assert json.loads(storage.get(settings.bucket_mlflow_artifacts, f"metrics/model-api/{latest['version']}.json")) == latest
    assert sorted(r["tags"]["mlops.model_version"] for r in mlflow.runs.values()) == sorted([first["version"], latest["version"]])
    assert sorted(storage.list_keys(settings.bucket_mlflow_artifacts, "metrics/")) == sorted(
        ["metrics/model-api.json", f"metrics/model-api/{first['version']}.json", f"metrics/model-api/{latest['version']}.json"]
    )


def test_not_enough_data_exits_1_and_writes_nothing(world) -> None:
    storage, settings, mlflow = world
    storage.put(settings.bucket_processed, "processed/2026-12-01/a.csv", b"age,label\n1,0\n2,1\n", "text/csv")
    assert run(settings, storage, MlflowRestTracker(settings.mlflow_tracking_uri)) == 1
    assert storage.list_keys(settings.bucket_mlflow_artifacts, "") == []
    assert mlflow.runs == {}


def test_a_failed_artifact_upload_marks_the_run_failed_and_writes_no_metrics(world) -> None:
    storage, settings, mlflow = world
    storage.put(settings.bucket_processed, "processed/2026-12-01/a.csv", processed_csv(), "text/csv")
    mlflow.fail_next["/api/2.0/mlflow/runs/log-batch"] = 500
    assert run(settings, storage, MlflowRestTracker(settings.mlflow_tracking_uri)) == 1
    assert [r["status"] for r in mlflow.runs.values()] == ["FAILED"]
    assert storage.list_keys(settings.bucket_mlflow_artifacts, "") == []


def test_write_manifest_accepts_the_metrics_file_training_writes(world, tmp_path: Path) -> None:
    tsx = ROOT / "node_modules" / ".bin" / "tsx"
    if not tsx.exists():
        message = f"{tsx} is missing (npm ci installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    storage, settings, _ = world
    storage.put(settings.bucket_processed, "processed/2026-12-01/a.csv", processed_csv(), "text/csv")
    assert run(settings, storage, MlflowRestTracker(settings.mlflow_tracking_uri), clock=lambda: NOW) == 0
    metrics_file = tmp_path / "model-api.json"
    metrics_file.write_bytes(storage.get(settings.bucket_mlflow_artifacts, "metrics/model-api.json"))
    result = subprocess.run(
        [str(tsx), "scripts/write-manifest.ts", "--name", "model-api", "--repository", "123456789012.dkr.ecr.eu-central-1.amazonaws.com/mlops-dev/model-api",
         "--digest", "sha256:" + "a" * 64, "--commit", "0123456789abcdef0123456789abcdef01234567", "--metrics", str(metrics_file), "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "out" / "models" / "model-api.json").read_text())
    assert manifest["version"] == json.loads(metrics_file.read_text())["version"]
    assert manifest["primaryMetric"] == "f1"
