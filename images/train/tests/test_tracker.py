"""GIVEN the MLflow REST stand-in THEN the tracker creates the experiment once, logs params and metrics in
batches, uploads artifacts through the artifact proxy under the run's root, and reports refusals."""
from __future__ import annotations

import pytest

from train_job.tracker import MlflowRestTracker, TrackingError


def test_a_run_logs_params_metrics_and_an_artifact(mlflow_server) -> None:
    tracker = MlflowRestTracker(mlflow_server.url)
    run_id = tracker.start_run("model-api", "model-api-1", {"mlops.model_version": "v1"})
    tracker.log_params(run_id, {"C": "1.0", "features": "a,b"})
    tracker.log_metrics(run_id, {"f1": 0.9, "auc": 0.95})
    tracker.log_artifact(run_id, "model/model.json", b"{}", "application/json")
    tracker.end_run(run_id, "FINISHED")
    run = mlflow_server.runs[run_id]
    assert run["params"] == {"C": "1.0", "features": "a,b"}
    assert run["metrics"] == {"f1": 0.9, "auc": 0.95}
    assert run["tags"] == {"mlops.model_version": "v1"}
    assert run["status"] == "FINISHED"
    assert mlflow_server.artifacts == {f"1/{run_id}/artifacts/model/model.json": b"{}"}


def test_the_experiment_is_created_once_and_reused(mlflow_server) -> None:
    tracker = MlflowRestTracker(mlflow_server.url)
    first = tracker.start_run("m", "r1", {})
    second = tracker.start_run("m", "r2", {})
    assert mlflow_server.experiments == {"m": "1"}
    assert mlflow_server.runs[first]["experiment_id"] == mlflow_server.runs[second]["experiment_id"] == "1"


def test_more_params_than_one_batch_holds_are_all_logged(mlflow_server) -> None:
    tracker = MlflowRestTracker(mlflow_server.url)
    run_id = tracker.start_run("m", "r", {})
    tracker.log_params(run_id, {f"p{i}": str(i) for i in range(250)})
    assert len(mlflow_server.runs[run_id]["params"]) == 250


def test_refusals_and_server_errors_raise_tracking_error_naming_the_call(mlflow_server) -> None:
    tracker = MlflowRestTracker(mlflow_server.url)
    run_id = tracker.start_run("m", "r", {})
    tracker.log_params(run_id, {"C": "1"})
    with pytest.raises(TrackingError, match="runs/log-batch: HTTP 400 .*INVALID_PARAMETER_VALUE"):
        tracker.log_params(run_id, {"C": "2"})
    mlflow_server.fail_next["/api/2.0/mlflow/runs/create"] = 503
    with pytest.raises(TrackingError, match="runs/create: HTTP 503"):
        tracker.start_run("m", "r2", {})


def test_an_unreachable_server_is_a_tracking_error() -> None:
    with pytest.raises(TrackingError):
        MlflowRestTracker("http://127.0.0.1:9").start_run("m", "r", {})
