"""DAG `model_check` (the seeds' run_brain_model_check): starts training only when the data changed.

    check_data_changed >> [start_model_training >> record_trained_data, end_dag]

- Triggered by DAG `transform` after new data was loaded, or by hand / the Airflow REST API
  (`POST /api/v2/dags/model_check/dagRuns`, Airflow 2: `/api/v1/...`) with conf `{"force": true}` to train
  regardless (the seeds' DEV_SKIP_TRIGGER).
- At most one run at a time (`max_active_runs=1`): a run triggered while training is under way waits, then
  finds the data unchanged unless more arrived, and ends.
- check_data_changed: branch; compares the fingerprint of the processed data set with the one the last
  training ran on (`_datasets/last-trained.json` in the processed bucket). Changed: start_model_training;
  unchanged: end_dag, and training is skipped.
- start_model_training: the platform's train job on this Airflow's cloud, waited for; record_trained_data then
  stores the fingerprint it trained on.
Every platform identifier comes from Airflow Variables read inside the tasks (mlops_platform/variables.py).
"""
from __future__ import annotations

import datetime as dt

try:  # Airflow 3
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import dag, task
except ImportError:  # Airflow 2
    from airflow.decorators import dag, task
    from airflow.operators.empty import EmptyOperator


@dag(
    dag_id="model_check",
    schedule=None,
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": dt.timedelta(minutes=5)},
    tags=["mlops", "model"],
)
def model_check() -> None:
    @task.branch
    def check_data_changed(**context: object) -> str:
        """The next task: start_model_training when the processed data changed since the last training."""
        from mlops_platform import datasets, storage, variables as V

        store = storage.store_for(V.cloud())
        bucket = V.get(V.PROCESSED_BUCKET)
        current = datasets.fingerprint(datasets.data_objects(store, bucket))
        previous = datasets.last_trained(store, bucket)
        dag_run = context.get("dag_run")
        force = bool(getattr(dag_run, "conf", None) and dag_run.conf.get("force"))  # type: ignore[union-attr]
        ti = context["ti"]
        ti.xcom_push(key="fingerprint", value=current)  # type: ignore[attr-defined]
        print(f"processed data {current[:12]}, last trained on {previous[:12] or 'nothing'}, force={force}")
        return "start_model_training" if force or current != previous else "end_dag"

    @task
    def start_model_training(**context: object) -> str:
        """Runs the train job to its end."""
        from mlops_platform import jobs, variables

        return jobs.run_job(variables.TRAIN_JOB, dict(context))

    @task
    def record_trained_data(**context: object) -> None:
        """Remembers the data set the training ran on, so the same data never trains twice."""
        from mlops_platform import datasets, storage, variables as V

        ti = context["ti"]
        fp = ti.xcom_pull(task_ids="check_data_changed", key="fingerprint")  # type: ignore[attr-defined]
        store = storage.store_for(V.cloud())
        datasets.record_trained(store, V.get(V.PROCESSED_BUCKET), str(fp), str(context.get("run_id", "")))

    end_dag = EmptyOperator(task_id="end_dag")

    branch = check_data_changed()
    training = start_model_training()
    branch >> [training, end_dag]
    training >> record_trained_data()


model_check()
