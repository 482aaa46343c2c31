"""Puts the DAG folder on sys.path (as Airflow does) and a fake Airflow into sys.modules for each test."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Callable, Iterator

import pytest

DAGS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(DAGS))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import fake_airflow  # noqa: E402

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
