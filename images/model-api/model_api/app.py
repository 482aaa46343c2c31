"""Routes: POST /predict (any signed-in user), POST /model/retrain and /model/reload (admins), GET /health,
GET /metrics (Prometheus).

/retrain and /reload are the same admin routes without the /model prefix, for an edge that strips its route
prefix (the AWS API's `/model/{proxy+}` integration does). Admin routes depend on `admin_only` themselves, so
they stay closed whatever AUTH_ADMIN_PATHS says.
"""
from __future__ import annotations

import logging
from typing import Dict, List, Union

from fastapi import Depends, FastAPI, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from mlops_common.auth import Principal, TokenVerifier
from mlops_common.auth.fastapi_auth import auth_dependencies

from .jobs import JobStartError, JobStarter
from .metrics import ApiMetrics
from .model_store import ModelStore
from .settings import ModelApiSettings

log = logging.getLogger("model-api")


class PredictRequest(BaseModel):
    """One row: feature values in the model's feature order, or by feature name."""

    features: Union[List[float], Dict[str, float]]


def create_app(settings: ModelApiSettings, store: ModelStore, starter: JobStarter, verifier: TokenVerifier) -> FastAPI:
    app = FastAPI(title="model-api", version=settings.platform.image_version)
    signed_in, admin_only = auth_dependencies(verifier, settings.auth.admin_paths)
    metrics = ApiMetrics()
    metrics.install(app, lambda: [getattr(r, "path", "") for r in app.routes])

    @app.get("/health")
    def health() -> JSONResponse:
        body = {"status": "ok" if store.healthy else "unhealthy", "model": store.model_name, "version": store.version, "loaded": store.model is not None}
        if store.problem:
            body["problem"] = store.problem
        return JSONResponse(status_code=200 if store.healthy else 503, content=body)

    @app.get("/metrics")
    def prometheus() -> object:
        return metrics.exposition()

    @app.post("/predict")
    def predict(request: PredictRequest, principal: Principal = Depends(signed_in)) -> Dict[str, object]:
        model = store.model
        if model is None:
            raise HTTPException(503, store.problem or "no model loaded")
        features = request.features
        if isinstance(features, dict):
            missing = [f for f in model.features if f not in features]
            if missing:
                raise HTTPException(422, f"missing features: {', '.join(missing)} (the model reads {', '.join(model.features)})")
            row = [features[f] for f in model.features]
        else:
            row = list(features)
        if len(row) != len(model.features):
            raise HTTPException(422, f"expected {len(model.features)} features ({', '.join(model.features)}), found {len(row)}")
        probabilities = model.predict_proba(row)
        metrics.predictions.labels(store.model_name, store.version).inc()
        return {
            "prediction": model.classes[max(range(len(probabilities)), key=probabilities.__getitem__)],
            "probabilities": {str(c): p for c, p in zip(model.classes, probabilities)},
            "model": store.model_name,
            "version": store.version,
        }

    async def retrain(principal: Principal = Depends(admin_only)) -> JSONResponse:
        try:
            run_id = await run_in_threadpool(starter.start)
        except JobStartError as e:
            log.error("retrain requested by %s failed: %s", principal.subject, e)
            raise HTTPException(502, f"the train job did not start: {e}") from None
        log.info("retrain requested by %s: run %s of %s", principal.subject, run_id, settings.train_job)
        return JSONResponse(
            status_code=202,
            content={"runId": run_id, "job": settings.train_job, "note": "the new model reaches this environment only as a promoted manifest"},
        )

    async def reload(principal: Principal = Depends(admin_only)) -> JSONResponse:
        loaded = await run_in_threadpool(store.load)
        body = {"model": store.model_name, "version": store.version, "loaded": loaded}
        if store.problem:
            body["problem"] = store.problem
        return JSONResponse(status_code=200 if loaded or store.version == "none" else 503, content=body)

    for prefix in ("/model", ""):
        app.add_api_route(f"{prefix}/retrain", retrain, methods=["POST"], include_in_schema=bool(prefix))
        app.add_api_route(f"{prefix}/reload", reload, methods=["POST"], include_in_schema=bool(prefix))
    return app
