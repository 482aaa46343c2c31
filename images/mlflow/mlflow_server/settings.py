"""MLflow's settings from the container environment contract, read once.

Only the standard library: the image's Python is MLflow's, and this must not pull anything in.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

CLOUDS = ("aws", "azure", "gcp")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

#: Every name this image reads, or passes on to a library that reads it (the both-ways contract test uses it).
ENV_NAMES = (
    "PLATFORM_ENVIRONMENT", "PLATFORM_CLOUD", "SERVICE_NAME", "IMAGE_VERSION", "LOG_LEVEL", "PORT",
    "BUCKET_MLFLOW_ARTIFACTS", "DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_SSLMODE", "DB_PASSWORD", "DB_AUTH",
    "MLFLOW_ALLOWED_HOSTS",
)
#: Read per cloud: AWS_REGION by boto3, AZURE_CLIENT_ID by DefaultAzureCredential inside MLflow's Azure client,
#: GOOGLE_CLOUD_PROJECT by google-auth for the GCS client. Nothing here reads GOOGLE_CLOUD_REGION.
CLOUD_ENV_NAMES = {"aws": ("AWS_REGION",), "azure": ("AZURE_STORAGE_ACCOUNT_URL", "AZURE_CLIENT_ID"), "gcp": ("GOOGLE_CLOUD_PROJECT",)}


class ConfigError(Exception):
    """A setting is missing or malformed; names the variable, what was expected and what was found."""


@dataclass(frozen=True)
class MlflowSettings:
    cloud: str
    environment: str
    service_name: str
    image_version: str
    port: int
    log_level: str
    artifacts_bucket: str
    db_host: str
    db_port: int
    db_name: str
    db_user: str
    db_sslmode: str
    db_auth: str
    db_password: Optional[str]
    azure_storage_account_url: Optional[str]
    #: Host headers MLflow accepts (its internal host name); never "*".
    allowed_hosts: tuple = ()


def _required(env: Mapping[str, str], name: str, expected: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ConfigError(f"environment variable {name} is required (expected {expected}, found {'an empty string' if name in env else 'nothing'})")
    return value


def _choice(env: Mapping[str, str], name: str, allowed: tuple, default: Optional[str] = None) -> str:
    value = env.get(name, "").strip() or default
    if value not in allowed:
        raise ConfigError(f"environment variable {name}: expected one of {', '.join(allowed)}, found {value!r}")
    return value


def _port(env: Mapping[str, str], name: str, default: Optional[int]) -> int:
    raw = env.get(name, "").strip()
    if not raw and default is not None:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"environment variable {name}: expected a port number 1-65535, found {raw!r}")
    return int(raw)


def read_settings(env: Mapping[str, str]) -> MlflowSettings:
    """All of MLflow's settings; the password is required with DB_AUTH=password and refused with DB_AUTH=iam."""
    cloud = _choice(env, "PLATFORM_CLOUD", CLOUDS)
    db_auth = _choice(env, "DB_AUTH", ("password", "iam"), "password")
    password = env.get("DB_PASSWORD") or None  # not stripped: a password may end in a space
    if db_auth == "password" and password is None:
        raise ConfigError("environment variable DB_PASSWORD is required with DB_AUTH=password (expected the secret the runtime injects, found nothing)")
    if db_auth == "iam" and cloud != "gcp":
        raise ConfigError(f"environment variable DB_AUTH: iam is supported on gcp (IAM database auth through the Cloud SQL proxy), found iam on {cloud}")
    if db_auth == "iam" and password is not None:
        raise ConfigError("environment variable DB_PASSWORD: expected nothing with DB_AUTH=iam (the proxy signs in), found a value")
    return MlflowSettings(
        cloud=cloud,
        environment=_required(env, "PLATFORM_ENVIRONMENT", "the environment name"),
        service_name=env.get("SERVICE_NAME", "").strip() or "mlflow",
        image_version=env.get("IMAGE_VERSION", "").strip() or "unknown",
        port=_port(env, "PORT", 5000),
        log_level=_choice(env, "LOG_LEVEL", ("debug", "info", "warning", "error"), "info"),
        artifacts_bucket=_required(env, "BUCKET_MLFLOW_ARTIFACTS", "the artifact bucket or blob container name"),
        db_host=_required(env, "DB_HOST", "the database host"),
        db_port=_port(env, "DB_PORT", 5432),
        db_name=_required(env, "DB_NAME", "the database name"),
        db_user=_required(env, "DB_USER", "the database login"),
        db_sslmode=_choice(env, "DB_SSLMODE", SSL_MODES, "require"),
        db_auth=db_auth,
        db_password=password,
        azure_storage_account_url=_required(env, "AZURE_STORAGE_ACCOUNT_URL", "https://<account>.blob.core.windows.net/") if cloud == "azure" else None,
        allowed_hosts=_allowed_hosts(env),
    )


def _allowed_hosts(env: Mapping[str, str]) -> tuple:
    """MLFLOW_ALLOWED_HOSTS: the comma list of Host headers (host or host:port) the stack's clients send."""
    hosts = tuple(h.strip() for h in _required(env, "MLFLOW_ALLOWED_HOSTS", "a comma list of the host names clients call MLflow by").split(",") if h.strip())
    if "*" in hosts:
        raise ConfigError("environment variable MLFLOW_ALLOWED_HOSTS: expected the internal host names, found '*' (that turns off MLflow's DNS-rebinding protection)")
    return hosts
