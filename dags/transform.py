"""DAG `transform` (the seeds' run_brain_transform): hourly, transforms newly arrived raw data.

    run_transform >> check_new_data >> [load_processed, load_viz] >> trigger_model_check

- At most one run at a time (`max_active_runs=1`) and no catch-up: the seeds' check_dag_active skipped a run
  while another was active; here the scheduler never starts a second one, so two transforms never overlap,
  and a missed hour is not replayed (the next run picks up whatever arrived meanwhile).
- run_transform: the platform's transform job on this Airflow's cloud (ECS task, Cloud Run job, Container Apps
  job), waited for.
- check_new_data: short-circuit; when the job wrote nothing into the processed or viz bucket, everything
  downstream is skipped (the seeds' check for "New data was transformed").
- load_processed, load_viz: record the data set version this run produced in each bucket (`_datasets/loads/`,
  the role the seeds' DVC commits played).
- trigger_model_check: starts DAG `model_check` and waits for it; it trains only when the data changed.
Every platform identifier comes from Airflow Variables read inside the tasks (mlops_platform/variables.py).
"""
from __future__ import annotations

import datetime as dt

try:  # Airflow 3
    from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
    from airflow.sdk import dag, task
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    from airflow.operators.trigger_dagrun import TriggerDagRunOperator


@dag(
    dag_id="transform",
    schedule="@hourly",
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": dt.timedelta(minutes=5)},
    tags=["mlops", "data"],
)
def transform() -> None:
    @task
    def run_transform(**context: object) -> str:
        """Runs the transform job to its end; returns when it started (ISO 8601, UTC)."""
        from mlops_platform import jobs, variables

        started = dt.datetime.now(dt.timezone.utc).isoformat()
        jobs.run_job(variables.TRANSFORM_JOB, dict(context))
        return started

    @task.short_circuit
    def check_new_data(started: str) -> bool:
        """True when the transform wrote into the processed or viz bucket; False skips everything downstream."""
        from mlops_platform import datasets, storage, variables as V

        store = storage.store_for(V.cloud())
        since = dt.datetime.fromisoformat(started)
        new = [datasets.written_since(store, V.get(b), since) for b in (V.PROCESSED_BUCKET, V.VIZ_BUCKET)]
        print(f"new objects since {started}: processed {len(new[0])}, viz {len(new[1])}")
        return any(new)

    def load(bucket_variable: str, started: str, run_id: str) -> str:
        from mlops_platform import datasets, storage, variables as V

        store = storage.store_for(V.cloud())
        bucket = V.get(bucket_variable)
        new = datasets.written_since(store, bucket, dt.datetime.fromisoformat(started))
        return datasets.record_load(store, bucket, run_id, new)

    @task
    def load_processed(started: str, run_id: str | None = None) -> str:
        """Records the processed data set version of this run."""
        from mlops_platform import variables as V

        return load(V.PROCESSED_BUCKET, started, run_id or "manual")

    @task
    def load_viz(started: str, run_id: str | None = None) -> str:
        """Records the visualisation data set version of this run."""
        from mlops_platform import variables as V

        return load(V.VIZ_BUCKET, started, run_id or "manual")

    trigger_model_check = TriggerDagRunOperator(
        task_id="trigger_model_check",
        trigger_dag_id="model_check",
        conf={"source_run_id": "{{ run_id }}"},
        wait_for_completion=True,
        poke_interval=60,
    )

    started = run_transform()
    gate = check_new_data(started)
    loads = [load_processed(started), load_viz(started)]
    gate >> loads
    loads >> trigger_model_check


transform()
