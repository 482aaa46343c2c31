"""GIVEN each cloud's container environment THEN the entrypoint builds the backend store URI (escaped),
the artifact destination, and a command line without the password."""
from __future__ import annotations

from typing import Dict
from urllib.parse import unquote, urlsplit

import pytest

from mlflow_server.launch import artifacts_destination, backend_store_uri, server_command, server_environment
from mlflow_server.settings import ENV_NAMES, ConfigError, read_settings

NASTY = "p@ss:w/rd%?#&= +é"


def aws_env(**over: str) -> Dict[str, str]:
    env = {
        "PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "aws", "SERVICE_NAME": "mlflow", "IMAGE_VERSION": "v3.17.0",
        "PORT": "5000", "AWS_REGION": "eu-central-1", "BUCKET_MLFLOW_ARTIFACTS": "mlops-dev-mlflow-artifacts",
        "DB_HOST": "mlops-dev.abc.eu-central-1.rds.amazonaws.com", "DB_PORT": "5432", "DB_NAME": "mlflow", "DB_USER": "mlflow",
        "DB_SSLMODE": "require", "DB_PASSWORD": NASTY, "DB_AUTH": "password",
        "MLFLOW_ALLOWED_HOSTS": "mlops-dev-nlb.elb.eu-central-1.amazonaws.com,mlops-dev-nlb.elb.eu-central-1.amazonaws.com:5000",
    }
    env.update(over)
    return env


def azure_env(**over: str) -> Dict[str, str]:
    env = aws_env(PLATFORM_CLOUD="azure", BUCKET_MLFLOW_ARTIFACTS="mlflow-artifacts", DB_HOST="mlops-dev.postgres.database.azure.com",
                  AZURE_STORAGE_ACCOUNT_URL="https://mlopsdevdata.blob.core.windows.net/", AZURE_CLIENT_ID="11111111-2222-3333-4444-555555555555")
    env.pop("AWS_REGION")
    env.update(over)
    return env


def gcp_env(**over: str) -> Dict[str, str]:
    env = aws_env(PLATFORM_CLOUD="gcp", BUCKET_MLFLOW_ARTIFACTS="mlops-dev-mlflow-artifacts", DB_HOST="127.0.0.1", DB_SSLMODE="disable",
                  DB_AUTH="iam", DB_USER="mlops-dev-mlflow@proj.iam", GOOGLE_CLOUD_PROJECT="proj", GOOGLE_CLOUD_REGION="europe-west3")
    env.pop("DB_PASSWORD")
    env.pop("AWS_REGION")
    env.update(over)
    return env


def test_aws_uri_escapes_the_password_so_it_parses_back_unchanged() -> None:
    uri = backend_store_uri(read_settings(aws_env()))
    assert uri.startswith("postgresql+psycopg2://mlflow:")
    assert uri.endswith("@mlops-dev.abc.eu-central-1.rds.amazonaws.com:5432/mlflow?sslmode=require")
    parts = urlsplit(uri)
    assert unquote(parts.password or "") == NASTY
    assert parts.hostname == "mlops-dev.abc.eu-central-1.rds.amazonaws.com" and parts.port == 5432
    userinfo = uri.split("://", 1)[1].rsplit("@", 1)[0]
    assert "@" not in userinfo and "/" not in userinfo and userinfo.count(":") == 1


def test_aws_artifacts_go_to_s3_under_the_mlflow_prefix() -> None:
    assert artifacts_destination(read_settings(aws_env())) == "s3://mlops-dev-mlflow-artifacts/mlflow"


def test_azure_uri_has_the_password_and_artifacts_go_to_wasbs_of_the_account() -> None:
    s = read_settings(azure_env(DB_PASSWORD="a+b/c=d"))
    assert backend_store_uri(s) == "postgresql+psycopg2://mlflow:a%2Bb%2Fc%3Dd@mlops-dev.postgres.database.azure.com:5432/mlflow?sslmode=require"
    assert artifacts_destination(s) == "wasbs://mlflow-artifacts@mlopsdevdata.blob.core.windows.net/mlflow"


def test_azure_refuses_an_account_url_that_is_not_a_blob_endpoint() -> None:
    with pytest.raises(ConfigError, match="AZURE_STORAGE_ACCOUNT_URL: expected https://<account>.blob.core.windows.net/"):
        artifacts_destination(read_settings(azure_env(AZURE_STORAGE_ACCOUNT_URL="https://mlopsdevdata.dfs.core.windows.net/")))


def test_gcp_iam_auth_goes_through_the_proxy_without_a_password() -> None:
    s = read_settings(gcp_env())
    assert backend_store_uri(s) == "postgresql+psycopg2://mlops-dev-mlflow%40proj.iam@127.0.0.1:5432/mlflow?sslmode=disable"
    assert artifacts_destination(s) == "gs://mlops-dev-mlflow-artifacts/mlflow"


@pytest.mark.parametrize(
    "env, message",
    [
        (aws_env(DB_PASSWORD=""), "DB_PASSWORD is required with DB_AUTH=password"),
        (aws_env(DB_AUTH="iam"), "DB_AUTH: iam is supported on gcp"),
        (gcp_env(DB_PASSWORD="x"), "DB_PASSWORD: expected nothing with DB_AUTH=iam"),
        (aws_env(DB_HOST=""), "DB_HOST is required"),
        (aws_env(DB_SSLMODE="on"), "DB_SSLMODE: expected one of disable, allow, prefer, require, verify-ca, verify-full, found 'on'"),
        (aws_env(PORT="http"), "PORT: expected a port number 1-65535, found 'http'"),
        (aws_env(PLATFORM_CLOUD="oci"), "PLATFORM_CLOUD: expected one of aws, azure, gcp, found 'oci'"),
        (azure_env(AZURE_STORAGE_ACCOUNT_URL=""), "AZURE_STORAGE_ACCOUNT_URL is required"),
    ],
)
def test_bad_settings_name_the_variable_expected_and_found(env: Dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_settings(env)


def test_the_command_serves_artifacts_on_all_interfaces_and_never_carries_the_password() -> None:
    s = read_settings(aws_env(PORT="5001"))
    command = server_command(s)
    assert command[:2] == ["mlflow", "server"]
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert command[command.index("--port") + 1] == "5001"
    assert "--serve-artifacts" in command
    assert command[command.index("--artifacts-destination") + 1] == "s3://mlops-dev-mlflow-artifacts/mlflow"
    assert not any("postgresql" in a or "p@ss" in a for a in command)
    assert command[command.index("--allowed-hosts") + 1] == (
        "localhost,127.0.0.1,mlops-dev-nlb.elb.eu-central-1.amazonaws.com,mlops-dev-nlb.elb.eu-central-1.amazonaws.com:5000"
    )


@pytest.mark.parametrize("value, message", [
    ("", "MLFLOW_ALLOWED_HOSTS is required"),
    ("mlflow.internal,*", "found '\\*'"),
])
def test_allowed_hosts_are_required_and_never_everything(value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        read_settings(aws_env(MLFLOW_ALLOWED_HOSTS=value))


def test_the_server_environment_holds_the_uri_not_the_raw_password_and_writes_only_to_tmp() -> None:
    s = read_settings(aws_env())
    env = server_environment(s, aws_env())
    assert env["MLFLOW_BACKEND_STORE_URI"] == backend_store_uri(s)
    assert "DB_PASSWORD" not in env
    assert env["TMPDIR"] == "/tmp" and env["HOME"] == "/tmp"


def test_env_names_are_the_contract_names_this_image_reads() -> None:
    assert set(ENV_NAMES) >= {"DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_SSLMODE", "DB_PASSWORD", "DB_AUTH", "BUCKET_MLFLOW_ARTIFACTS", "PORT"}
