"""Shared pytest setup for every image's tests: import paths, real local storage servers, a test JWT issuer."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent
# Each image folder holds its own uniquely named package (receiver, model_api, ...), plus the shared code.
for folder in sorted(HERE.iterdir()):
    if folder.is_dir() and not folder.name.startswith((".", "_")) and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from mlops_testing.gcs_standin import GcsStandIn  # noqa: E402
from mlops_testing.jwks import TestIssuer  # noqa: E402
from mlops_testing.local_servers import LocalServer, start_azurite, start_azurite_queue, start_s3rver  # noqa: E402


@pytest.fixture(scope="session")
def s3rver() -> Iterator[LocalServer]:
    server = start_s3rver()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def azurite() -> Iterator[LocalServer]:
    server = start_azurite()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def azurite_queue() -> Iterator[LocalServer]:
    server = start_azurite_queue()
    yield server
    server.stop()


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
