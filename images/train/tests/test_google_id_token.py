"""GIVEN a loopback stand-in for Google's metadata server THEN the train job on Google signs every MLflow call with an
ID token for MLflow's origin, refreshes it before it expires, sends none on the other clouds, and says clearly when
the metadata server cannot be reached."""
from __future__ import annotations

import base64
import json
from typing import Iterator, List

import pytest

from mlops_testing.http_standin import Request, Response, StandIn, serve
from train_job.google_id_token import REFRESH_MARGIN_SECONDS, IdTokenError, MetadataServerIdToken, audience_of
from train_job.tracker import TrackingError, tracker_for

IDENTITY_PATH = "/computeMetadata/v1/instance/service-accounts/default/identity"


def fake_jwt(claims: dict) -> str:
    """Header.payload.signature with the claims readable, as the metadata server's JWT is (the signature is not checked here)."""
    part = lambda obj: base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


class MetadataServer:
    """Answers like the metadata server: 403 without `Metadata-Flavor: Google`, 400 without an audience, else a JWT."""

    def __init__(self, now: List[float]) -> None:
        self.now = now
        self.issued: List[str] = []
        self.server: StandIn = serve(self._handle)
        self.url = self.server.url + IDENTITY_PATH

    def _handle(self, req: Request) -> Response:
        if req.path != IDENTITY_PATH:
            return 404, {}, b"not found"
        if req.headers.get("metadata-flavor") != "Google":
            return 403, {}, b"Missing required header: Metadata-Flavor"
        audience = req.query.get("audience", [""])[0]
        if not audience:
            return 400, {}, b"non-empty audience parameter required"
        token = fake_jwt({"aud": audience, "exp": int(self.now[0]) + 3600, "n": len(self.issued)})
        self.issued.append(token)
        return 200, {"Content-Type": "text/html"}, token.encode()


@pytest.fixture
def clock() -> List[float]:
    return [1_800_000_000.0]


@pytest.fixture
def metadata(clock: List[float]) -> Iterator[MetadataServer]:
    server = MetadataServer(clock)
    yield server
    server.server.stop()


def test_the_token_is_asked_for_mlflows_origin_with_the_metadata_header(metadata: MetadataServer, clock: List[float]) -> None:
    token = MetadataServerIdToken("https://mlops-dev-mlflow-123.europe-west1.run.app", url=metadata.url, clock=lambda: clock[0])()
    [req] = metadata.server.requests
    assert req.headers["metadata-flavor"] == "Google"
    assert req.query["audience"] == ["https://mlops-dev-mlflow-123.europe-west1.run.app"]
    assert token == metadata.issued[0]


def test_the_token_is_reused_until_shortly_before_it_expires_then_fetched_again(metadata: MetadataServer, clock: List[float]) -> None:
    provider = MetadataServerIdToken("https://mlflow.example", url=metadata.url, clock=lambda: clock[0])
    first = provider()
    clock[0] += 3600 - REFRESH_MARGIN_SECONDS - 1
    assert provider() == first
    assert len(metadata.issued) == 1
    clock[0] += 2  # now inside the margin: a run that outlives the token's hour gets a new one
    assert provider() != first
    assert len(metadata.issued) == 2


def test_on_google_every_mlflow_call_carries_the_id_token(metadata: MetadataServer, mlflow_server) -> None:
    tracker = tracker_for("gcp", mlflow_server.url + "/", metadata_url=metadata.url)
    run_id = tracker.start_run("model-api", "r", {})
    tracker.log_metrics(run_id, {"f1": 0.9})
    tracker.log_artifact(run_id, "model/model.json", b"{}", "application/json")
    tracker.end_run(run_id, "FINISHED")
    calls = mlflow_server.server.requests
    assert len(calls) == 6  # get-by-name, create experiment, create run, log-batch, PUT artifact, update
    assert {c.headers.get("authorization") for c in calls} == {f"Bearer {metadata.issued[0]}"}
    assert metadata.server.requests[0].query["audience"] == [mlflow_server.url]  # the origin, no trailing slash
    assert mlflow_server.artifacts[f"1/{run_id}/artifacts/model/model.json"] == b"{}"


def test_on_the_other_clouds_no_token_is_sent_and_the_metadata_server_is_not_asked(metadata: MetadataServer, mlflow_server) -> None:
    for cloud in ("aws", "azure"):
        tracker_for(cloud, mlflow_server.url, metadata_url=metadata.url).start_run("m", "r", {})
    assert all("authorization" not in c.headers for c in mlflow_server.server.requests)
    assert metadata.server.requests == []


def test_an_unreachable_metadata_server_fails_the_call_with_a_message_naming_it(mlflow_server) -> None:
    tracker = tracker_for("gcp", mlflow_server.url, metadata_url="http://127.0.0.1:9" + IDENTITY_PATH)
    with pytest.raises(TrackingError) as e:
        tracker.start_run("m", "r", {})
    message = str(e.value)
    assert "experiments/get-by-name: no credentials: ID token for http://127.0.0.1:" in message
    assert f"metadata server http://127.0.0.1:9{IDENTITY_PATH} unreachable" in message
    assert "PLATFORM_CLOUD=gcp" in message
    assert mlflow_server.server.requests == []  # nothing went to MLflow unsigned


def test_a_refusing_or_garbled_metadata_server_is_an_id_token_error(metadata: MetadataServer) -> None:
    with pytest.raises(IdTokenError, match=r"answered HTTP 404 not found"):
        MetadataServerIdToken("https://mlflow.example", url=metadata.server.url + "/elsewhere")()
    garbled = serve(lambda req: (200, {}, b"not-a-jwt"))
    try:
        with pytest.raises(IdTokenError, match="not a JWT with an exp claim"):
            MetadataServerIdToken("https://mlflow.example", url=garbled.url)()
    finally:
        garbled.stop()


def test_the_audience_is_the_origin_of_the_tracking_uri() -> None:
    assert audience_of("https://mlops-dev-mlflow-1.europe-west1.run.app/some/path?x=1") == "https://mlops-dev-mlflow-1.europe-west1.run.app"
    assert audience_of("http://10.0.0.5:5000") == "http://10.0.0.5:5000"
    with pytest.raises(IdTokenError, match="expected an http"):
        audience_of("mlflow.internal")
