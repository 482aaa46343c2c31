"""GIVEN the model API on a real local Azure Blob store (azurite), real JWTs from a test issuer and a recording
job starter THEN any signed-in user may predict, only admins may retrain or reload, retrain answers the run id,
the served version is always the manifest's, and /metrics counts requests, latency and predictions."""
from __future__ import annotations

import time
from typing import Dict, List

import pytest
from fastapi.testclient import TestClient

from mlops_common.auth import TokenVerifier
from mlops_common.linear_model import LinearClassifier
from mlops_testing.storage_clients import azure_storage
from model_api.app import create_app
from model_api.jobs import JobStartError
from model_api.model_store import ModelStore, model_key
from model_api.settings import read_settings

MODEL = LinearClassifier(features=["age", "signal"], classes=[0, 1], mean=[40.0, 0.5], scale=[10.0, 0.2], coef=[[1.5, -2.0]], intercept=[0.1])


class RecordingStarter:
    def __init__(self, fail: bool = False) -> None:
        self.calls = 0
        self.fail = fail

    def start(self) -> str:
        self.calls += 1
        if self.fail:
            raise JobStartError("ECS RunTask train on mlops-dev: RESOURCE:MEMORY")
        return f"arn:aws:ecs:eu-central-1:123456789012:task/mlops-dev/run{self.calls}"


def env_for(issuer, container: str, **over: str) -> Dict[str, str]:
    env = {
        "PLATFORM_ENVIRONMENT": "dev", "PLATFORM_CLOUD": "aws", "SERVICE_NAME": "model-api", "IMAGE_VERSION": "t1", "AWS_REGION": "eu-central-1",
        "PORT": "8000", "MODEL_NAME": "model-api", "MODEL_VERSION": "2026-12-01.abc", "BUCKET_MLFLOW_ARTIFACTS": container,
        "TRAIN_JOB": "mlops-dev-train", "JOB_CLUSTER": "mlops-dev", "JOB_SUBNETS": "subnet-1,subnet-2", "JOB_SECURITY_GROUPS": "sg-1",
        "AUTH_ISSUER": issuer.issuer, "AUTH_AUDIENCE": issuer.audience, "AUTH_JWKS_URI": issuer.jwks_uri,
        "AUTH_ADMIN_PATHS": "/model/retrain,/model/reload", "AUTH_ADMIN_CLAIM": "scope", "AUTH_ADMIN_VALUES": "mlops/admin",
    }
    env.update(over)
    return env


def build(azurite, issuer, upload: bool = True, starter=None, **over: str):
    storage, (container,) = azure_storage(azurite, "mlflow-artifacts")
    settings = read_settings(env_for(issuer, container, **over))
    if upload:
        storage.put(container, model_key("model-api", settings.model_version), MODEL.to_json(), "application/json")
    store = ModelStore(storage, container, settings.model_name, settings.model_version)
    store.load()
    starter = starter or RecordingStarter()
    return TestClient(create_app(settings, store, starter, TokenVerifier(settings.auth))), starter, storage, container


def user(issuer) -> Dict[str, str]:
    return {"Authorization": f"Bearer {issuer.mint(scope='mlops/user')}"}


def admin(issuer) -> Dict[str, str]:
    return {"Authorization": f"Bearer {issuer.mint(scope='mlops/user mlops/admin')}"}


def test_a_signed_in_user_gets_a_prediction_from_the_manifest_version(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer)
    r = client.post("/predict", json={"features": [55, 0.3]}, headers=user(issuer))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["version"] == "2026-12-01.abc" and body["model"] == "model-api"
    assert body["prediction"] == MODEL.predict([55, 0.3])
    assert body["probabilities"]["1"] == pytest.approx(MODEL.predict_proba([55, 0.3])[1])
    by_name = client.post("/predict", json={"features": {"signal": 0.3, "age": 55}}, headers=user(issuer)).json()
    assert by_name["probabilities"] == body["probabilities"]


def test_wrong_feature_counts_are_422_naming_the_features(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer)
    r = client.post("/predict", json={"features": [1]}, headers=user(issuer))
    assert r.status_code == 422 and "age, signal" in r.json()["detail"]


def test_predict_refuses_missing_expired_and_forged_tokens(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer)
    past = int(time.time()) - 3600
    for headers in ({}, {"Authorization": f"Bearer {issuer.mint(iat=past - 60, exp=past)}"}, {"Authorization": f"Bearer {issuer.mint_forged()}"}):
        assert client.post("/predict", json={"features": [1, 2]}, headers=headers).status_code == 401


@pytest.mark.parametrize("path", ["/model/retrain", "/retrain", "/model/reload", "/reload"])
def test_a_user_may_not_retrain_or_reload(azurite, issuer, path: str) -> None:
    client, starter, _, _ = build(azurite, issuer)
    assert client.post(path, headers=user(issuer)).status_code == 403
    assert starter.calls == 0


@pytest.mark.parametrize("path", ["/model/retrain", "/retrain"])
def test_an_admin_starts_the_train_job_and_gets_its_run_id(azurite, issuer, path: str) -> None:
    client, starter, _, _ = build(azurite, issuer)
    r = client.post(path, headers=admin(issuer))
    assert r.status_code == 202
    assert r.json()["runId"] == "arn:aws:ecs:eu-central-1:123456789012:task/mlops-dev/run1"
    assert starter.calls == 1
    # Retraining never swaps the served model: still the manifest's version.
    assert client.post("/predict", json={"features": [1, 2]}, headers=user(issuer)).json()["version"] == "2026-12-01.abc"


def test_admins_on_entra_and_google_are_recognised_by_their_claim(azurite, issuer) -> None:
    client, starter, _, _ = build(azurite, issuer, AUTH_ADMIN_CLAIM="roles", AUTH_ADMIN_VALUES="admins")
    assert client.post("/model/retrain", headers={"Authorization": f"Bearer {issuer.mint(roles=['admins'])}"}).status_code == 202
    assert client.post("/model/retrain", headers={"Authorization": f"Bearer {issuer.mint(roles=['readers'])}"}).status_code == 403
    client, _, _, _ = build(azurite, issuer, AUTH_ADMIN_CLAIM="email", AUTH_ADMIN_VALUES="ops@example.com")
    assert client.post("/model/retrain", headers={"Authorization": f"Bearer {issuer.mint(email='ops@example.com')}"}).status_code == 202


def test_a_job_that_does_not_start_is_502_with_the_reason(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer, starter=RecordingStarter(fail=True))
    r = client.post("/model/retrain", headers=admin(issuer))
    assert r.status_code == 502 and "RESOURCE:MEMORY" in r.json()["detail"]


def test_before_any_promotion_predict_is_503_and_health_is_ok(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer, upload=False, MODEL_VERSION="none")
    assert client.get("/health").status_code == 200
    r = client.post("/predict", json={"features": [1, 2]}, headers=user(issuer))
    assert r.status_code == 503 and "no model has been promoted" in r.json()["detail"]


def test_a_named_version_missing_is_unhealthy_until_an_admin_reloads_it(azurite, issuer) -> None:
    client, _, storage, container = build(azurite, issuer, upload=False)
    assert client.get("/health").status_code == 503
    assert client.post("/predict", json={"features": [1, 2]}, headers=user(issuer)).status_code == 503
    assert client.post("/model/reload", headers=admin(issuer)).status_code == 503
    storage.put(container, model_key("model-api", "2026-12-01.abc"), MODEL.to_json(), "application/json")
    r = client.post("/model/reload", headers=admin(issuer))
    assert r.status_code == 200 and r.json() == {"model": "model-api", "version": "2026-12-01.abc", "loaded": True}
    assert client.get("/health").status_code == 200
    assert client.post("/predict", json={"features": [1, 2]}, headers=user(issuer)).status_code == 200


def test_admin_paths_from_the_environment_close_other_routes_too(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer, AUTH_ADMIN_PATHS="/predict")
    assert client.post("/predict", json={"features": [1, 2]}, headers=user(issuer)).status_code == 403
    assert client.post("/predict", json={"features": [1, 2]}, headers=admin(issuer)).status_code == 200


def metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{wanted}}} not in /metrics")


def test_metrics_count_requests_latency_and_predictions(azurite, issuer) -> None:
    client, _, _, _ = build(azurite, issuer)
    for _ in range(3):
        client.post("/predict", json={"features": [1, 2]}, headers=user(issuer))
    client.post("/predict", json={"features": [1, 2]})
    client.get("/no/such/path")
    text = client.get("/metrics").text
    assert metric(text, "http_requests_total", method="POST", path="/predict", status="200") == 3
    assert metric(text, "http_requests_total", method="POST", path="/predict", status="401") == 1
    assert metric(text, "http_requests_total", method="GET", path="other", status="404") == 1
    assert metric(text, "http_request_duration_seconds_count", method="POST", path="/predict") == 4
    assert metric(text, "predictions_total", model="model-api", version="2026-12-01.abc") == 3
