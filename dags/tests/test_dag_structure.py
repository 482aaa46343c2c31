"""The DAG files: they compile, define one DAG each named after the file, read nothing at parse time,
and have the seeds' tasks, dependencies and schedule limits."""
from __future__ import annotations

import ast
import py_compile
import re
from pathlib import Path

import pytest

from dagtest_support import DAG_FILES, DAGS


def all_python() -> list[Path]:
    return sorted(DAGS.rglob("*.py"))


@pytest.mark.parametrize("path", all_python(), ids=lambda p: str(p.relative_to(DAGS)))
def test_every_python_file_compiles(path: Path, tmp_path: Path) -> None:
    py_compile.compile(str(path), cfile=str(tmp_path / "x.pyc"), doraise=True)


def test_one_dag_per_file_named_after_the_file(airflow) -> None:
    # GIVEN every DAG file imported  THEN one DAG each, dag_id = file name
    assert sorted(airflow.dags) == sorted(p.stem for p in DAG_FILES)


def top_level_imports(tree: ast.Module) -> list[str]:
    """Modules imported when the file is parsed: the module body and its top-level try/except blocks."""
    stmts: list[ast.stmt] = []
    for node in tree.body:
        stmts.append(node)
        if isinstance(node, ast.Try):
            stmts += node.body + [s for h in node.handlers for s in h.body]
    out: list[str] = []
    for node in stmts:
        if isinstance(node, ast.ImportFrom):
            out.append(node.module or "")
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_import_no_provider_and_no_platform_code_at_parse_time(path: Path) -> None:
    # Only airflow itself and the standard library at the top: a cloud's provider is imported by the task
    # that runs on that cloud, so one file parses everywhere.
    names = top_level_imports(ast.parse(path.read_text(), str(path)))
    assert names, "no imports found: the check looks in the wrong place"
    for n in names:
        assert n.split(".")[0] in {"__future__", "datetime", "airflow"}, f"{path.name}: top-level import {n}"
        assert not n.startswith("airflow.providers.") or n.startswith("airflow.providers.standard."), n


def edges(dag) -> set[tuple[str, str]]:
    return {(t.task_id, d) for t in dag.tasks.values() for d in t.downstream}


def test_transform_tasks_and_dependencies(airflow) -> None:
    dag = airflow.dags["transform"]
    assert set(dag.tasks) == {"run_transform", "check_new_data", "load_processed", "load_viz", "trigger_model_check"}
    assert edges(dag) == {
        ("run_transform", "check_new_data"),
        ("run_transform", "load_processed"),
        ("run_transform", "load_viz"),
        ("check_new_data", "load_processed"),
        ("check_new_data", "load_viz"),
        ("load_processed", "trigger_model_check"),
        ("load_viz", "trigger_model_check"),
    }


def test_transform_runs_hourly_one_at_a_time_without_catch_up(airflow) -> None:
    kw = airflow.dags["transform"].kwargs
    assert kw["schedule"] == "@hourly"
    assert kw["max_active_runs"] == 1  # a run never starts while another is active (the seeds' check_dag_active)
    assert kw["catchup"] is False


def test_no_new_data_skips_everything_downstream(airflow) -> None:
    # A short-circuit task skips all its downstream tasks when its callable returns False: every task after
    # the transform must hang below check_new_data.
    dag = airflow.dags["transform"]
    gate = dag.tasks["check_new_data"]
    assert gate.kind == "short_circuit"
    below = _reachable(dag, "check_new_data")
    assert below == set(dag.tasks) - {"run_transform", "check_new_data"}


def test_transform_triggers_the_model_check_and_waits(airflow) -> None:
    trigger = airflow.dags["transform"].tasks["trigger_model_check"]
    assert trigger.kind == "TriggerDagRunOperator"
    assert trigger.kwargs["trigger_dag_id"] in airflow.dags
    assert trigger.kwargs["wait_for_completion"] is True


def test_model_check_tasks_and_branches(airflow) -> None:
    dag = airflow.dags["model_check"]
    assert set(dag.tasks) == {"check_data_changed", "start_model_training", "record_trained_data", "end_dag"}
    assert edges(dag) == {
        ("check_data_changed", "start_model_training"),
        ("check_data_changed", "end_dag"),
        ("start_model_training", "record_trained_data"),
    }
    assert dag.tasks["check_data_changed"].kind == "branch"
    assert dag.kwargs["schedule"] is None  # triggered only
    assert dag.kwargs["max_active_runs"] == 1


def test_branch_returns_only_its_own_downstream_task_ids() -> None:
    # The branch callable names the task to follow by id: both ids must be its direct downstream tasks.
    src = (DAGS / "model_check.py").read_text()
    returned = set(re.findall(r'return "(\w+)" if .* else "(\w+)"', src)[0])
    assert returned == {"start_model_training", "end_dag"}


def _reachable(dag, start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(dag.tasks[start].downstream)
    while todo:
        t = todo.pop()
        if t not in seen:
            seen.add(t)
            todo.extend(dag.tasks[t].downstream)
    return seen
