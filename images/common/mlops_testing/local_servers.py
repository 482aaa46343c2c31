"""Real local storage servers from node_modules: s3rver (S3) and azurite (Azure Blob), on loopback, free ports.

A missing binary skips the test with the reason printed, except in CI (CI=true), where it fails: CI must run them.
"""
from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import List

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN = ROOT / "node_modules" / ".bin"

#: Azurite's documented development account (public, the same in every Azurite install; not a secret).
AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary(name: str) -> str:
    path = BIN / name
    if not path.exists():
        message = f"{path} is missing (npm ci installs the devDependency)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return str(path)


def _wait_for_port(port: int, proc: subprocess.Popen, name: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                # Someone else may hold the port (it was free when picked): then ours exits on EADDRINUSE.
                time.sleep(0.05)
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} exited with {proc.returncode}: 127.0.0.1:{port} is taken by another process")
                return
        time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {timeout:.0f}s")


class LocalServer:
    """A started server process; `stop()` ends exactly this process."""

    def __init__(self, name: str, args: List[str], port: int, workdir: tempfile.TemporaryDirectory) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._workdir = workdir
        self._listening = False
        self._proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=workdir.name)

    def wait_until_listening(self) -> "LocalServer":
        """Returns once the server accepts connections (each takes 1-3 s to start: several start side by side)."""
        if not self._listening:
            _wait_for_port(self.port, self._proc, self.name)
            self._listening = True
        return self

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._workdir.cleanup()


#: The node_modules/.bin entry each server fixture runs.
_BINARIES = {"s3rver": "s3rver", "azurite": "azurite-blob", "azurite_queue": "azurite-queue"}


def server_binaries(fixture: str) -> List[str]:
    """The binaries a server fixture needs (so a run can start the server early only when they exist)."""
    return [str(BIN / _BINARIES[fixture])]


def start_s3rver() -> LocalServer:
    binary = _binary(_BINARIES["s3rver"])
    port = free_port()
    workdir = tempfile.TemporaryDirectory(prefix="s3rver-")
    return LocalServer("s3rver", [binary, "-d", workdir.name, "-a", "127.0.0.1", "-p", str(port), "-s"], port, workdir)


def start_azurite() -> LocalServer:
    binary = _binary(_BINARIES["azurite"])
    port = free_port()
    workdir = tempfile.TemporaryDirectory(prefix="azurite-")
    args = [binary, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck"]
    # In memory (azurite refuses --location with it); the temp dir is only the working directory.
    return LocalServer("azurite", args, port, workdir)


def start_azurite_queue() -> LocalServer:
    """Azurite's queue service (the Storage queue API the Azure transform takes its events from)."""
    binary = _binary(_BINARIES["azurite_queue"])
    port = free_port()
    workdir = tempfile.TemporaryDirectory(prefix="azurite-queue-")
    args = [binary, "--queueHost", "127.0.0.1", "--queuePort", str(port), "--inMemoryPersistence", "--silent", "--skipApiVersionCheck"]
    return LocalServer("azurite-queue", args, port, workdir)
