"""GIVEN the image's entrypoint run as a process THEN bad settings exit 2 with the reason, and good ones exec
`mlflow server` with the store URI in its environment (a stand-in `mlflow` on PATH records what it got)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

IMAGE_DIR = Path(__file__).resolve().parents[1]

FAKE_MLFLOW = """#!{python}
import json, os, sys
print(json.dumps({{"argv": sys.argv[1:], "uri": os.environ.get("MLFLOW_BACKEND_STORE_URI"), "password": os.environ.get("DB_PASSWORD")}}))
"""


def run_entrypoint(env: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    fake = tmp_path / "mlflow"
    fake.write_text(FAKE_MLFLOW.format(python=sys.executable))
    fake.chmod(0o755)
    full_env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "PYTHONPATH": str(IMAGE_DIR), "PYTHONDONTWRITEBYTECODE": "1", **env}
    return subprocess.run([sys.executable, "-m", "mlflow_server"], env=full_env, capture_output=True, text=True, timeout=30)


def test_missing_settings_exit_2_naming_the_variable(tmp_path: Path) -> None:
    result = run_entrypoint({"PLATFORM_CLOUD": "aws", "PLATFORM_ENVIRONMENT": "dev"}, tmp_path)
    assert result.returncode == 2
    assert "DB_PASSWORD is required" in result.stderr


def test_good_settings_exec_mlflow_server_with_the_uri_in_its_environment(tmp_path: Path) -> None:
    env = {
        "PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "gcp", "SERVICE_NAME": "mlflow", "PORT": "8080",
        "GOOGLE_CLOUD_PROJECT": "proj", "BUCKET_MLFLOW_ARTIFACTS": "art", "DB_HOST": "127.0.0.1", "DB_NAME": "mlflow",
        "DB_USER": "sa@proj.iam", "DB_SSLMODE": "disable", "DB_AUTH": "iam", "MLFLOW_ALLOWED_HOSTS": "mlops-dev-mlflow-1.europe-west3.run.app",
    }
    result = run_entrypoint(env, tmp_path)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert got["argv"][:5] == ["server", "--host", "0.0.0.0", "--port", "8080"]
    assert got["uri"] == "postgresql+psycopg2://sa%40proj.iam@127.0.0.1:5432/mlflow?sslmode=disable"
    assert got["password"] is None
