"""Experiment tracking behind one small interface, implemented on MLflow's REST API over httpx.

MLflow's Python client is not packaged for Debian, and the job needs only a few calls, so it speaks the REST API
(https://mlflow.org/docs/latest/api_reference/rest-api.html) directly:
  GET  /api/2.0/mlflow/experiments/get-by-name     POST /api/2.0/mlflow/experiments/create
  POST /api/2.0/mlflow/runs/create                 POST /api/2.0/mlflow/runs/log-batch
  POST /api/2.0/mlflow/runs/update                 PUT  /api/2.0/mlflow-artifacts/artifacts/<path>  (--serve-artifacts)
"""
from __future__ import annotations

import time
from typing import Callable, Dict, Optional, Protocol

import httpx

from .google_id_token import METADATA_IDENTITY_URL, IdTokenError, MetadataServerIdToken, audience_of

_ARTIFACT_SCHEME = "mlflow-artifacts:"
_BATCH = 100  # log-batch takes at most 1000 metrics and 100 params per call


class TrackingError(Exception):
    """MLflow refused a call or could not be reached; says which call and what MLflow answered."""


class Tracker(Protocol):
    def start_run(self, experiment: str, run_name: str, tags: Dict[str, str]) -> str:
        """Creates the experiment when needed, starts a run, returns its id."""

    def log_params(self, run_id: str, params: Dict[str, str]) -> None: ...

    def log_metrics(self, run_id: str, metrics: Dict[str, float]) -> None: ...

    def log_artifact(self, run_id: str, path: str, data: bytes, content_type: str) -> None:
        """Stores `data` at `path` relative to the run's artifact root."""

    def end_run(self, run_id: str, status: str) -> None:
        """`FINISHED` or `FAILED`."""


def _now_ms() -> int:
    return int(time.time() * 1000)


class MlflowRestTracker:
    """A Tracker on an MLflow tracking server that serves artifacts (`mlflow server --serve-artifacts`).

    `bearer` supplies the token every call sends as `Authorization: Bearer ...` (on Google, the ID token for MLflow's
    Cloud Run URL: google_id_token.py); called per request, so a provider that refreshes keeps a long run signed in.
    MLflow's own client would read MLFLOW_TRACKING_TOKEN for the same header; this job speaks REST, so it sets it.
    """

    def __init__(self, tracking_uri: str, client: Optional[httpx.Client] = None, bearer: Optional[Callable[[], str]] = None) -> None:
        self._base = tracking_uri.rstrip("/")
        self._client = client or httpx.Client(timeout=60.0)
        self._bearer = bearer
        self._artifact_roots: Dict[str, str] = {}

    def _send(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        try:
            if self._bearer is not None:
                headers["Authorization"] = f"Bearer {self._bearer()}"
            return self._client.request(method, f"{self._base}{path}", headers=headers, **kwargs)
        except IdTokenError as e:
            raise TrackingError(f"MLflow {method} {path}: no credentials: {e}") from None
        except httpx.HTTPError as e:
            raise TrackingError(f"MLflow {method} {path}: {e}") from None

    def _call(self, method: str, path: str, **kwargs) -> Dict:
        response = self._send(method, path, **kwargs)
        if response.status_code >= 400:
            raise TrackingError(f"MLflow {method} {path}: HTTP {response.status_code} {response.text[:300]}")
        return response.json() if response.content else {}

    def _experiment_id(self, name: str) -> str:
        response = self._send("GET", "/api/2.0/mlflow/experiments/get-by-name", params={"experiment_name": name})
        if response.status_code == 200:
            return str(response.json()["experiment"]["experiment_id"])
        if response.status_code != 404 or "RESOURCE_DOES_NOT_EXIST" not in response.text:
            raise TrackingError(f"MLflow GET experiments/get-by-name: HTTP {response.status_code} {response.text[:300]}")
        return str(self._call("POST", "/api/2.0/mlflow/experiments/create", json={"name": name})["experiment_id"])

    def start_run(self, experiment: str, run_name: str, tags: Dict[str, str]) -> str:
        body = {
            "experiment_id": self._experiment_id(experiment),
            "run_name": run_name,
            "start_time": _now_ms(),
            "tags": [{"key": k, "value": v} for k, v in tags.items()],
        }
        info = self._call("POST", "/api/2.0/mlflow/runs/create", json=body)["run"]["info"]
        root = str(info.get("artifact_uri", ""))
        if not root.startswith(_ARTIFACT_SCHEME):
            raise TrackingError(f"MLflow run artifact root: expected {_ARTIFACT_SCHEME}/... (a server with --serve-artifacts), found {root!r}")
        run_id = str(info["run_id"])
        self._artifact_roots[run_id] = root[len(_ARTIFACT_SCHEME):].lstrip("/")
        return run_id

    def log_params(self, run_id: str, params: Dict[str, str]) -> None:
        items = [{"key": k, "value": str(v)[:6000]} for k, v in params.items()]
        for i in range(0, len(items), _BATCH):
            self._call("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "params": items[i : i + _BATCH]})

    def log_metrics(self, run_id: str, metrics: Dict[str, float]) -> None:
        now = _now_ms()
        items = [{"key": k, "value": float(v), "timestamp": now, "step": 0} for k, v in metrics.items()]
        for i in range(0, len(items), _BATCH):
            self._call("POST", "/api/2.0/mlflow/runs/log-batch", json={"run_id": run_id, "metrics": items[i : i + _BATCH]})

    def log_artifact(self, run_id: str, path: str, data: bytes, content_type: str) -> None:
        root = self._artifact_roots.get(run_id)
        if root is None:
            raise TrackingError(f"run {run_id} was not started by this tracker; its artifact root is unknown")
        self._call("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{root}/{path.lstrip('/')}", content=data, headers={"Content-Type": content_type})

    def end_run(self, run_id: str, status: str) -> None:
        self._call("POST", "/api/2.0/mlflow/runs/update", json={"run_id": run_id, "status": status, "end_time": _now_ms()})


def tracker_for(cloud: str, tracking_uri: str, metadata_url: str = METADATA_IDENTITY_URL) -> MlflowRestTracker:
    """The tracker the job uses on `cloud` (PLATFORM_CLOUD): on Google it signs every call with an ID token for
    MLflow's origin (Cloud Run IAM on MLflow); elsewhere MLflow is reached on the private network without a token."""
    bearer = MetadataServerIdToken(audience_of(tracking_uri), url=metadata_url) if cloud == "gcp" else None
    return MlflowRestTracker(tracking_uri, bearer=bearer)
