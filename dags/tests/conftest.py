"""Puts the DAG folder on sys.path (as Airflow does) and a fake Airflow into sys.modules for each test."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fake_airflow  # noqa: E402
from dagtest_support import DAG_FILES, import_dag_file  # noqa: E402


@pytest.fixture(params=[3, 2], ids=["airflow3", "airflow2"])
def airflow(request: pytest.FixtureRequest) -> Iterator[type[fake_airflow.State]]:
    """A fake Airflow of each major version with every DAG file of the folder imported."""
    fake_airflow.install(request.param)
    for path in DAG_FILES:
        import_dag_file(path)
    yield fake_airflow.State
    fake_airflow.uninstall()


@pytest.fixture
def load_dags() -> Callable[[], type[fake_airflow.State]]:
    """Airflow 3 fakes, every DAG file imported; for tests that run task callables."""

    def load() -> type[fake_airflow.State]:
        fake_airflow.install(3)
        for path in DAG_FILES:
            import_dag_file(path)
        return fake_airflow.State

    yield load
    fake_airflow.uninstall()
