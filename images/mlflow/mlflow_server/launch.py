"""What `mlflow server` is started with: the backend store URI, the artifact destination, the command line.

The URI carries the password, so it goes to MLflow through MLFLOW_BACKEND_STORE_URI (the option's envvar),
never on the command line, where `ps` and /proc/<pid>/cmdline would show it.
"""
from __future__ import annotations

from typing import Dict, List
from urllib.parse import quote, urlsplit

from .settings import ConfigError, MlflowSettings

#: MLflow's artifacts live under this prefix of the bucket; metrics/ and models/ beside it belong to training.
ARTIFACT_PREFIX = "mlflow"
#: The tmp dir a read-only root filesystem leaves writable (the runtime mounts it).
WRITABLE_TMP = "/tmp"


def backend_store_uri(s: MlflowSettings) -> str:
    """`postgresql+psycopg2://user[:password]@host:port/db?sslmode=...`, user, password and database URL-escaped."""
    credentials = quote(s.db_user, safe="")
    if s.db_auth == "password":
        credentials += ":" + quote(s.db_password or "", safe="")
    host = f"[{s.db_host}]" if ":" in s.db_host else s.db_host
    return f"postgresql+psycopg2://{credentials}@{host}:{s.db_port}/{quote(s.db_name, safe='')}?sslmode={s.db_sslmode}"


def artifacts_destination(s: MlflowSettings) -> str:
    """`s3://bucket/mlflow`, `gs://bucket/mlflow`, or `wasbs://container@account.blob.core.windows.net/mlflow`."""
    if s.cloud == "aws":
        return f"s3://{s.artifacts_bucket}/{ARTIFACT_PREFIX}"
    if s.cloud == "gcp":
        return f"gs://{s.artifacts_bucket}/{ARTIFACT_PREFIX}"
    host = urlsplit(s.azure_storage_account_url or "").hostname or ""
    if not host.endswith(".blob.core.windows.net"):
        raise ConfigError(f"environment variable AZURE_STORAGE_ACCOUNT_URL: expected https://<account>.blob.core.windows.net/, found {s.azure_storage_account_url!r}")
    return f"wasbs://{s.artifacts_bucket}@{host}/{ARTIFACT_PREFIX}"


def server_command(s: MlflowSettings) -> List[str]:
    """`mlflow server` serving artifacts itself (clients never get bucket credentials)."""
    return [
        "mlflow", "server",
        "--host", "0.0.0.0",
        "--port", str(s.port),
        "--serve-artifacts",
        "--artifacts-destination", artifacts_destination(s),
        "--workers", "2",
        # MLflow 3.5+ answers 403 to other Host headers (its default allows only localhost and private IPs); the
        # stack passes the internal host name clients use. /health and /version are exempt (the probes).
        "--allowed-hosts", ",".join(("localhost", "127.0.0.1") + tuple(s.allowed_hosts)),
    ]


def server_environment(s: MlflowSettings, base: Dict[str, str]) -> Dict[str, str]:
    """The environment `mlflow server` runs with: the store URI added, the raw password removed, tmp writable."""
    env = {k: v for k, v in base.items() if k != "DB_PASSWORD"}
    env["MLFLOW_BACKEND_STORE_URI"] = backend_store_uri(s)
    env.setdefault("HOME", WRITABLE_TMP)
    env["TMPDIR"] = WRITABLE_TMP
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env
