"""What the DAGs' decision tasks do with the data: no new data -> downstream skipped; data unchanged ->
training not started; and how a job is started on Azure. Task callables run against an in-memory store."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mlops_platform import datasets, jobs, storage, variables as V
from mlops_platform.storage import StoredObject

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


class MemoryStore:
    """An ObjectStore in memory; `now` stamps what is written."""

    def __init__(self) -> None:
        self.objects: dict[tuple[str, str], tuple[str, dt.datetime]] = {}
        self.etags: dict[tuple[str, str], str] = {}
        self.now = T0
        self.version = 0

    def put(self, bucket: str, key: str, text: str, at: dt.datetime) -> None:
        self.version += 1
        self.objects[(bucket, key)] = (text, at)
        self.etags[(bucket, key)] = f"v{self.version}"

    def list(self, bucket: str, prefix: str = "") -> list[StoredObject]:
        return [StoredObject(k, self.etags[(b, k)], at) for (b, k), (_, at) in self.objects.items() if b == bucket and k.startswith(prefix)]

    def read_text(self, bucket: str, key: str) -> str | None:
        hit = self.objects.get((bucket, key))
        return hit[0] if hit else None

    def write_text(self, bucket: str, key: str, text: str) -> None:
        self.put(bucket, key, text, self.now)


class TI:
    def __init__(self) -> None:
        self.xcom: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        self.xcom[key] = value

    def xcom_pull(self, task_ids: str, key: str) -> Any:
        return self.xcom[key]


class Run:
    def __init__(self, conf: dict[str, Any] | None = None) -> None:
        self.conf = conf or {}


@pytest.fixture
def platform(load_dags, monkeypatch: pytest.MonkeyPatch):
    state = load_dags()
    state.variables.update({V.CLOUD: "gcp", V.PROCESSED_BUCKET: "processed", V.VIZ_BUCKET: "viz"})
    store = MemoryStore()
    monkeypatch.setattr(storage, "store_for", lambda cloud: store)
    return state, store


def fn(state, dag_id: str, task_id: str):
    return state.dags[dag_id].tasks[task_id].function


def test_no_new_data_returns_false_so_downstream_is_skipped(platform) -> None:
    state, store = platform
    store.put("processed", "old.parquet", "x", T0 - dt.timedelta(hours=2))
    assert fn(state, "transform", "check_new_data")(T0.isoformat()) is False


def test_new_processed_or_viz_data_lets_downstream_run(platform) -> None:
    state, store = platform
    store.put("viz", "chart.json", "x", T0 + dt.timedelta(minutes=3))
    assert fn(state, "transform", "check_new_data")(T0.isoformat()) is True


def test_records_of_the_dags_are_not_new_data(platform) -> None:
    state, store = platform
    store.put("processed", "_datasets/loads/run1.json", "{}", T0 + dt.timedelta(minutes=1))
    assert fn(state, "transform", "check_new_data")(T0.isoformat()) is False


def test_load_records_the_new_objects_of_the_run(platform) -> None:
    state, store = platform
    store.put("processed", "a.parquet", "x", T0 + dt.timedelta(minutes=1))
    store.put("processed", "old.parquet", "x", T0 - dt.timedelta(days=1))
    key = fn(state, "transform", "load_processed")(T0.isoformat(), run_id="scheduled__2026-12-01T09:00:00+00:00")
    assert key == "_datasets/loads/scheduled__2026-12-01T09_00_00_00_00.json"
    assert '"key": "a.parquet"' in (store.read_text("processed", key) or "")
    assert "old.parquet" not in (store.read_text("processed", key) or "")


def branch(state, conf: dict[str, Any] | None = None) -> tuple[str, TI]:
    ti = TI()
    return fn(state, "model_check", "check_data_changed")(ti=ti, dag_run=Run(conf)), ti


def test_changed_data_starts_training_then_unchanged_data_does_not(platform) -> None:
    state, store = platform
    store.put("processed", "a.parquet", "x", T0)
    # GIVEN data never trained on  THEN training
    first, ti = branch(state)
    assert first == "start_model_training"
    # WHEN the training is recorded  THEN the same data does not train again
    fn(state, "model_check", "record_trained_data")(ti=ti, run_id="r1")
    assert branch(state)[0] == "end_dag"
    # WHEN an object is rewritten  THEN it trains again
    store.put("processed", "a.parquet", "y", T0 + dt.timedelta(hours=1))
    assert branch(state)[0] == "start_model_training"


def test_force_trains_on_unchanged_data(platform) -> None:
    state, store = platform
    store.put("processed", "a.parquet", "x", T0)
    datasets.record_trained(store, "processed", datasets.fingerprint(datasets.data_objects(store, "processed")), "r0")
    assert branch(state)[0] == "end_dag"
    assert branch(state, {"force": True})[0] == "start_model_training"


def test_an_unknown_cloud_fails_naming_the_variable(load_dags) -> None:
    state = load_dags()
    state.variables[V.CLOUD] = "openstack"
    with pytest.raises(ValueError, match="mlops_cloud must be one of aws, azure, gcp; found 'openstack'"):
        V.cloud()


def test_a_missing_variable_names_its_environment_variable(load_dags) -> None:
    load_dags()
    with pytest.raises(KeyError, match="AIRFLOW_VAR_MLOPS_TRAIN_JOB"):
        V.get(V.TRAIN_JOB)


def test_every_variable_is_documented_in_the_header() -> None:
    names = [v for k, v in vars(V).items() if k.isupper() and isinstance(v, str) and v.startswith("mlops_")]
    assert len(names) == 15
    for n in names:
        assert f"| {n} |" in (V.__doc__ or ""), n


class Http:
    def __init__(self, statuses: list[str]) -> None:
        self.statuses = statuses
        self.calls: list[tuple[str, str, dict[str, str]]] = []

    def post(self, url: str, headers: dict[str, str], timeout: int) -> "Resp":
        self.calls.append(("POST", url, headers))
        return Resp({"id": "x", "name": "transform-abc12"})

    def get(self, url: str, headers: dict[str, str], timeout: int) -> "Resp":
        self.calls.append(("GET", url, headers))
        return Resp({"properties": {"status": self.statuses.pop(0)}})


class Resp:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body = body

    def raise_for_status(self) -> None:
        pass

    def json(self) -> dict[str, Any]:
        return self.body


def test_container_apps_job_is_started_through_arm_and_waited_for() -> None:
    http = Http(["Running", "Processing", "Succeeded"])
    out = jobs.run_container_apps_job("sub-1", "rg-1", "transform", lambda: "tok", http=http, sleep=lambda s: None)
    assert "transform-abc12 succeeded" in out
    base = "https://management.azure.com/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.App/jobs/transform"
    assert http.calls[0][:2] == ("POST", f"{base}/start?api-version=2024-03-01")
    assert http.calls[1][:2] == ("GET", f"{base}/executions/transform-abc12?api-version=2024-03-01")
    assert len(http.calls) == 4
    assert all(c[2]["Authorization"] == "Bearer tok" for c in http.calls)


@pytest.mark.parametrize("status", ["Failed", "Stopped", "Degraded"])
def test_a_failed_container_apps_execution_fails_the_task(status: str) -> None:
    http = Http(["Running", status])
    with pytest.raises(RuntimeError, match=f"execution transform-abc12 ended {status}"):
        jobs.run_container_apps_job("s", "r", "transform", lambda: "t", http=http, sleep=lambda s: None)
