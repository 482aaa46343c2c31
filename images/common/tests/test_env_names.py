"""GIVEN each image's settings reader on each cloud THEN the names it reads are exactly the names it declares
(ENV_NAMES plus that cloud's names): what the integrator's both-ways contract test compares with the stacks."""
from __future__ import annotations

import importlib
from typing import Dict, Iterator, Mapping, Set, Tuple

import pytest

FULL_ENV: Dict[str, str] = {
    "PLATFORM_ENVIRONMENT": "dev", "SERVICE_NAME": "svc", "IMAGE_VERSION": "1", "LOG_LEVEL": "info", "PORT": "8080",
    "AWS_REGION": "eu-central-1", "AZURE_STORAGE_ACCOUNT_URL": "https://a.blob.core.windows.net/", "AZURE_CLIENT_ID": "id",
    "GOOGLE_CLOUD_PROJECT": "p", "GOOGLE_CLOUD_REGION": "r",
    "BUCKET_RAW": "raw", "BUCKET_PROCESSED": "processed", "BUCKET_VIZ": "viz", "BUCKET_MLFLOW_ARTIFACTS": "art",
    "AUTH_ISSUER": "https://i", "AUTH_AUDIENCE": "a", "AUTH_JWKS_URI": "https://i/jwks", "AUTH_ADMIN_PATHS": "/model/retrain",
    "AUTH_ADMIN_CLAIM": "scope", "AUTH_ADMIN_VALUES": "admin",
    "DB_HOST": "h", "DB_PORT": "5432", "DB_NAME": "mlflow", "DB_USER": "u", "DB_SSLMODE": "require", "DB_PASSWORD": "pw", "DB_AUTH": "password",
    "MLFLOW_TRACKING_URI": "http://mlflow:5000", "MODEL_NAME": "model-api", "MODEL_VERSION": "none",
    "JOB_CLUSTER": "c", "JOB_SUBNETS": "s", "JOB_SECURITY_GROUPS": "g",
    "MAX_UPLOAD_BYTES": "10", "ALLOWED_CONTENT_TYPES": "text/csv", "INPUT_BUCKET": "raw", "INPUT_KEY": "raw/incoming/d/x.csv",
    "MLFLOW_ALLOWED_HOSTS": "mlflow.internal", "EVENT_QUEUE_URL": "https://q.queue.core.windows.net/transform-events",
}
TRAIN_JOB = {"aws": "mlops-dev-train", "azure": "/subscriptions/s/resourceGroups/g/providers/Microsoft.App/jobs/t", "gcp": "projects/p/locations/r/jobs/t"}


class Recording(Mapping[str, str]):
    """A mapping that remembers every name asked for."""

    def __init__(self, data: Dict[str, str]) -> None:
        self._data = data
        self.asked: Set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        return self._data[key]

    def get(self, key: str, default=None):  # type: ignore[override]
        self.asked.add(key)
        return self._data.get(key, default)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        raise AssertionError("settings must ask for names, not list the environment")

    def __len__(self) -> int:
        return len(self._data)


IMAGES = ["receiver.settings", "transform_job.settings", "train_job.settings", "model_api.settings", "mlflow_server.settings"]


@pytest.mark.parametrize("cloud", ["aws", "azure", "gcp"])
@pytest.mark.parametrize("module_name", IMAGES)
def test_names_read_equal_names_declared(module_name: str, cloud: str) -> None:
    module = importlib.import_module(module_name)
    data = {**FULL_ENV, "PLATFORM_CLOUD": cloud, "TRAIN_JOB": TRAIN_JOB[cloud]}
    if cloud == "gcp":  # IAM database auth through the proxy: no password
        data["DB_AUTH"] = "iam"
        del data["DB_PASSWORD"]
    env = Recording(data)
    module.read_settings(env)
    declared = set(module.ENV_NAMES) | {"PLATFORM_CLOUD"}
    if module_name != "mlflow_server.settings":
        declared |= set(module.CLOUD_ENV_NAMES[cloud])
    else:
        # MLflow's own libraries read the identity names (boto3, azure-identity); the entrypoint reads the account URL.
        declared |= {"AZURE_STORAGE_ACCOUNT_URL"} if cloud == "azure" else set()
    if module_name == "model_api.settings" and cloud == "aws":
        declared |= set(module.AWS_JOB_ENV_NAMES)
    if module_name == "transform_job.settings" and cloud == "azure":
        declared |= set(module.AZURE_QUEUE_ENV_NAMES)
    assert env.asked == declared
