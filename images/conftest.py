"""Shared pytest setup for every image's tests: import paths, real local storage servers, a test JWT issuer."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Dict, Iterator

import pytest

HERE = Path(__file__).resolve().parent
# Each image folder holds its own uniquely named package (receiver, model_api, ...), plus the shared code.
for folder in sorted(HERE.iterdir()):
    if folder.is_dir() and not folder.name.startswith((".", "_")) and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from mlops_testing.gcs_standin import GcsStandIn  # noqa: E402
from mlops_testing.jwks import TestIssuer  # noqa: E402
from mlops_testing.local_servers import LocalServer, server_binaries, start_azurite, start_azurite_queue, start_s3rver  # noqa: E402


#: The real local servers by fixture name. Each takes 1-3 s to listen (a node start-up), so the run starts every one
#: its collected tests use at once, right after collection, and each fixture only waits for its own.
STARTERS: Dict[str, Callable[[], LocalServer]] = {"s3rver": start_s3rver, "azurite": start_azurite, "azurite_queue": start_azurite_queue}
_started: Dict[str, LocalServer] = {}


@pytest.hookimpl(trylast=True)  # after -k/-m deselection: only the servers of tests that will run
def pytest_collection_modifyitems(session, config, items) -> None:
    wanted = sorted({name for item in items for name in getattr(item, "fixturenames", ()) if name in STARTERS})
    for name in wanted:
        if all(Path(p).exists() for p in server_binaries(name)):  # a missing binary is reported by the fixture itself
            try:
                _started[name] = STARTERS[name]()
            except Exception:  # the fixture starts it again and fails only the tests that use it
                pass


def _server(name: str) -> Iterator[LocalServer]:
    server = _started.pop(name, None) or STARTERS[name]()
    try:
        yield server.wait_until_listening()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3rver() -> Iterator[LocalServer]:
    yield from _server("s3rver")


@pytest.fixture(scope="session")
def azurite() -> Iterator[LocalServer]:
    yield from _server("azurite")


@pytest.fixture(scope="session")
def azurite_queue() -> Iterator[LocalServer]:
    yield from _server("azurite_queue")


def pytest_sessionfinish(session, exitstatus) -> None:
    # Servers started for tests that were then deselected or never reached.
    for server in _started.values():
        server.stop()
    _started.clear()


@pytest.fixture()
def gcs() -> Iterator[GcsStandIn]:
    standin = GcsStandIn()
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def issuer() -> Iterator[TestIssuer]:
    test_issuer = TestIssuer()
    yield test_issuer
    test_issuer.stop()


@pytest.fixture()
def mlflow_server():
    from mlops_testing.mlflow_standin import MlflowStandIn

    standin = MlflowStandIn()
    yield standin
    standin.stop()
