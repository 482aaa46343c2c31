"""A small stand-in for the parts of Airflow the DAG files touch, installed into sys.modules by the tests only.

It records what a DAG file declares (DAGs, tasks, their kinds and arguments, dependencies) so the tests can
check structure without an Airflow install. `Variable.get` raises while a DAG file is being imported: reading a
Variable at parse time is what the DAGs must never do.
"""
from __future__ import annotations

import sys
import types
from typing import Any, Callable


class FakeTask:
    """A task or operator: id, kind ("task", "branch", "short_circuit", "operator"), callable or arguments."""

    def __init__(self, dag: "FakeDag", task_id: str, kind: str, function: Callable[..., Any] | None = None, **kwargs: Any) -> None:
        self.dag = dag
        self.task_id = task_id
        self.kind = kind
        self.function = function
        self.kwargs = kwargs
        self.upstream: set[str] = set()
        self.downstream: set[str] = set()
        if task_id in dag.tasks:
            raise ValueError(f"duplicate task id {task_id}")
        dag.tasks[task_id] = self

    def _link(self, other: "FakeTask | list[FakeTask]") -> None:
        for o in other if isinstance(other, list) else [other]:
            self.downstream.add(o.task_id)
            o.upstream.add(self.task_id)

    def __rshift__(self, other: "FakeTask | list[FakeTask]") -> "FakeTask | list[FakeTask]":
        self._link(other)
        return other

    def __rrshift__(self, other: "list[FakeTask]") -> "FakeTask":
        for o in other:
            o._link(self)
        return self


class FakeDag:
    def __init__(self, dag_id: str, **kwargs: Any) -> None:
        self.dag_id = dag_id
        self.kwargs = kwargs
        self.tasks: dict[str, FakeTask] = {}


class State:
    """What the fake saw: DAGs by id, the DAG being built, whether a DAG file is being imported."""

    dags: dict[str, FakeDag] = {}
    current: FakeDag | None = None
    importing = False
    variables: dict[str, str] = {}


def _dag(dag_id: str | None = None, **kwargs: Any) -> Callable[[Callable[[], None]], Callable[[], FakeDag]]:
    def decorate(fn: Callable[[], None]) -> Callable[[], FakeDag]:
        def build() -> FakeDag:
            d = FakeDag(dag_id or fn.__name__, **kwargs)
            State.current = d
            try:
                fn()
            finally:
                State.current = None
            State.dags[d.dag_id] = d
            return d

        return build

    return decorate


def _task_kind(kind: str) -> Callable[..., Any]:
    def decorate(fn: Callable[..., Any] | None = None, **options: Any) -> Any:
        def wrap(f: Callable[..., Any]) -> Callable[..., FakeTask]:
            def call(*args: Any, **kwargs: Any) -> FakeTask:
                if State.current is None:
                    raise RuntimeError("task called outside a DAG")
                t = FakeTask(State.current, options.get("task_id", f.__name__), kind, f, args=args, call_kwargs=kwargs)
                for a in list(args) + list(kwargs.values()):
                    if isinstance(a, FakeTask):
                        a._link(t)  # an XComArg is a dependency, as in Airflow
                return t

            call.function = f  # type: ignore[attr-defined]
            return call

        return wrap(fn) if fn is not None else wrap

    return decorate


class _TaskDecorator:
    def __call__(self, fn: Callable[..., Any] | None = None, **options: Any) -> Any:
        return _task_kind("task")(fn, **options)

    branch = staticmethod(_task_kind("branch"))
    short_circuit = staticmethod(_task_kind("short_circuit"))


class Variable:
    @staticmethod
    def get(key: str, default: Any = None) -> Any:
        if State.importing:
            raise AssertionError(f"Variable {key} read while the DAG file is parsed")
        return State.variables.get(key, default)


def _operator(kind: str) -> type:
    class Operator(FakeTask):
        def __init__(self, task_id: str, **kwargs: Any) -> None:
            if State.current is None:
                raise RuntimeError("operator created outside a DAG")
            super().__init__(State.current, task_id, kind, None, **kwargs)

    Operator.__name__ = kind
    return Operator


EmptyOperator = _operator("EmptyOperator")
TriggerDagRunOperator = _operator("TriggerDagRunOperator")


def install(version: int) -> None:
    """Puts a fake Airflow `version` (2 or 3: their module layouts) into sys.modules."""
    uninstall()
    mods: dict[str, dict[str, Any]] = {"airflow": {}}
    if version == 3:
        mods["airflow.sdk"] = {"dag": _dag, "task": _TaskDecorator(), "Variable": Variable}
        mods["airflow.providers"] = {}
        mods["airflow.providers.standard"] = {}
        mods["airflow.providers.standard.operators"] = {}
        mods["airflow.providers.standard.operators.empty"] = {"EmptyOperator": EmptyOperator}
        mods["airflow.providers.standard.operators.trigger_dagrun"] = {"TriggerDagRunOperator": TriggerDagRunOperator}
    else:
        mods["airflow.decorators"] = {"dag": _dag, "task": _TaskDecorator()}
        mods["airflow.models"] = {"Variable": Variable}
        mods["airflow.operators"] = {}
        mods["airflow.operators.empty"] = {"EmptyOperator": EmptyOperator}
        mods["airflow.operators.trigger_dagrun"] = {"TriggerDagRunOperator": TriggerDagRunOperator}
    for name, attrs in mods.items():
        m = types.ModuleType(name)
        m.__path__ = []  # type: ignore[attr-defined]
        m.__dict__.update(attrs)
        sys.modules[name] = m
    State.dags = {}
    State.variables = {}


def uninstall() -> None:
    for name in [n for n in sys.modules if n == "airflow" or n.startswith("airflow.")]:
        del sys.modules[name]
