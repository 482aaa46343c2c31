"""Where the DAG files are and how the tests import them (as Airflow parses them). Its own module, not conftest:
test modules import it by name, which works in every pytest import mode."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import fake_airflow

DAGS = Path(__file__).resolve().parent.parent
DAG_FILES = sorted(p for p in DAGS.glob("*.py"))


def import_dag_file(path: Path) -> None:
    """Imports one DAG file the way Airflow parses it: a fresh module, Variables off limits."""
    spec = importlib.util.spec_from_file_location(f"dagfile_{path.stem}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    fake_airflow.State.importing = True
    try:
        spec.loader.exec_module(module)
    finally:
        fake_airflow.State.importing = False
