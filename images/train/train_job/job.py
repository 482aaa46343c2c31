"""One training run: data from BUCKET_PROCESSED, tracked in MLflow, results into BUCKET_MLFLOW_ARTIFACTS.

Writes models/<model>/<version>/model.json (what the model API loads when a manifest names <version>) and the
metrics in the shape scripts/write-manifest.ts reads ({"primaryMetric", "metrics", "version"}) twice: under
metrics/<model>/<version>.json, which no later run overwrites (copy a chosen run's file by the version its log line
and its MLflow tag `mlops.model_version` name), and as metrics/<model>.json, the latest run's.
The model reaches an environment only as a manifest through the promoter's metric gate, never directly.
Exit codes: 0 trained, 1 not enough data or tracking failed, 2 bad settings.
"""
from __future__ import annotations

import datetime
import json
import logging
import uuid
from typing import Callable, Optional

from mlops_common.storage import ObjectStorage

from .settings import TrainSettings
from .tracker import Tracker, TrackingError
from .training import PRIMARY_METRIC, NotEnoughData, load_dataset, train

PROCESSED_PREFIX = "processed/"

log = logging.getLogger("train")


def model_key(model: str, version: str) -> str:
    return f"models/{model}/{version}/model.json"


def metrics_key(model: str, version: Optional[str] = None) -> str:
    """`metrics/<model>.json` (the latest run's), or `metrics/<model>/<version>.json` (that run's, never overwritten)."""
    return f"metrics/{model}/{version}.json" if version else f"metrics/{model}.json"


def new_version(now: datetime.datetime, suffix: Optional[str] = None) -> str:
    """`<UTC date>.<8 hex>`: sorts by day, unique per run, valid for the manifest schema."""
    return f"{now.strftime('%Y-%m-%d')}.{suffix or uuid.uuid4().hex[:8]}"


def run(
    settings: TrainSettings,
    storage: ObjectStorage,
    tracker: Tracker,
    clock: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.timezone.utc),
) -> int:
    keys = [k for k in storage.list_keys(settings.bucket_processed, PROCESSED_PREFIX) if k.endswith(".csv")]
    try:
        dataset = load_dataset([(k, storage.get(settings.bucket_processed, k)) for k in keys])
        for key in dataset.skipped_files:
            log.warning("skipped %s: no %r column", key, "label")
        trained = train(dataset)
    except NotEnoughData as e:
        log.error("not trained: %s", e)
        return 1
    version = new_version(clock())
    try:
        run_id = tracker.start_run(settings.model_name, f"{settings.model_name}-{version}", {"mlops.model_version": version, "mlops.environment": settings.platform.environment})
    except TrackingError as e:
        log.error("not trained: %s", e)
        return 1
    try:
        tracker.log_params(run_id, trained.params)
        tracker.log_metrics(run_id, trained.metrics)
        tracker.log_artifact(run_id, "model/model.json", trained.model.to_json(), "application/json")
    except TrackingError as e:
        log.error("not stored: %s", e)
        _end_quietly(tracker, run_id, "FAILED")
        return 1
    storage.put(settings.bucket_mlflow_artifacts, model_key(settings.model_name, version), trained.model.to_json(), "application/json")
    metrics_file = json.dumps({"primaryMetric": PRIMARY_METRIC, "metrics": trained.metrics, "version": version}, indent=2).encode() + b"\n"
    # Metrics last: once they exist, the model file they name does too; the run's own copy before the latest pointer.
    storage.put(settings.bucket_mlflow_artifacts, metrics_key(settings.model_name, version), metrics_file, "application/json")
    storage.put(settings.bucket_mlflow_artifacts, metrics_key(settings.model_name), metrics_file, "application/json")
    _end_quietly(tracker, run_id, "FINISHED")
    log.info("trained %s version %s (MLflow run %s, metrics %s): %s", settings.model_name, version, run_id, metrics_key(settings.model_name, version), ", ".join(f"{k}={v:.4f}" for k, v in sorted(trained.metrics.items())))
    return 0


def _end_quietly(tracker: Tracker, run_id: str, status: str) -> None:
    try:
        tracker.end_run(run_id, status)
    except TrackingError as e:
        log.warning("MLflow did not mark run %s %s: %s", run_id, status, e)
