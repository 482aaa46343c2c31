"""A loopback stand-in for the MLflow tracking server's REST API (2.0), the calls the train job makes.

Follows the documented requests, responses and error bodies (`{"error_code": ..., "message": ...}`):
experiments/get-by-name (404 RESOURCE_DOES_NOT_EXIST), experiments/create, runs/create (artifact_uri
`mlflow-artifacts:/<exp>/<run>/artifacts`, as a server with --serve-artifacts answers), runs/log-batch (a param
logged twice with another value is INVALID_PARAMETER_VALUE, as MLflow refuses it), runs/update, and the artifact
proxy's PUT /api/2.0/mlflow-artifacts/artifacts/<path>. It is not MLflow (which Debian does not package).
"""
from __future__ import annotations

import uuid
from typing import Any, Dict

from .http_standin import Request, Response, json_response, serve


def _error(status: int, code: str, message: str) -> Response:
    return json_response(status, {"error_code": code, "message": message})


class MlflowStandIn:
    def __init__(self) -> None:
        self.experiments: Dict[str, str] = {}
        self.runs: Dict[str, Dict[str, Any]] = {}
        self.artifacts: Dict[str, bytes] = {}
        self.fail_next: Dict[str, int] = {}  # path -> HTTP status to answer once
        self.server = serve(self._handle)
        self.url = self.server.url

    def _handle(self, req: Request) -> Response:
        if req.path in self.fail_next:
            return _error(self.fail_next.pop(req.path), "INTERNAL_ERROR", "injected failure")
        if req.method == "GET" and req.path == "/api/2.0/mlflow/experiments/get-by-name":
            name = req.query.get("experiment_name", [""])[0]
            if name not in self.experiments:
                return _error(404, "RESOURCE_DOES_NOT_EXIST", f"Could not find experiment with name '{name}'")
            return json_response(200, {"experiment": {"experiment_id": self.experiments[name], "name": name}})
        if req.method == "POST" and req.path == "/api/2.0/mlflow/experiments/create":
            name = req.json()["name"]
            if name in self.experiments:
                return _error(400, "RESOURCE_ALREADY_EXISTS", f"Experiment '{name}' already exists.")
            self.experiments[name] = str(len(self.experiments) + 1)
            return json_response(200, {"experiment_id": self.experiments[name]})
        if req.method == "POST" and req.path == "/api/2.0/mlflow/runs/create":
            body = req.json()
            exp = body.get("experiment_id")
            if exp not in self.experiments.values():
                return _error(404, "RESOURCE_DOES_NOT_EXIST", f"No Experiment with id={exp} exists")
            run_id = uuid.uuid4().hex
            self.runs[run_id] = {"experiment_id": exp, "run_name": body.get("run_name"), "tags": {t["key"]: t["value"] for t in body.get("tags", [])}, "params": {}, "metrics": {}, "status": "RUNNING"}
            info = {"run_id": run_id, "experiment_id": exp, "status": "RUNNING", "artifact_uri": f"mlflow-artifacts:/{exp}/{run_id}/artifacts"}
            return json_response(200, {"run": {"info": info, "data": {}}})
        if req.method == "POST" and req.path in ("/api/2.0/mlflow/runs/log-batch", "/api/2.0/mlflow/runs/update"):
            body = req.json()
            run = self.runs.get(body.get("run_id", ""))
            if run is None:
                return _error(404, "RESOURCE_DOES_NOT_EXIST", f"Run '{body.get('run_id')}' not found")
            if req.path.endswith("update"):
                run["status"] = body["status"]
                return json_response(200, {"run_info": {"run_id": body["run_id"], "status": body["status"]}})
            for p in body.get("params", []):
                if p["key"] in run["params"] and run["params"][p["key"]] != p["value"]:
                    return _error(400, "INVALID_PARAMETER_VALUE", f"Changing param values is not allowed. Param with key='{p['key']}' was already logged")
                run["params"][p["key"]] = p["value"]
            for m in body.get("metrics", []):
                if not isinstance(m.get("value"), (int, float)) or "timestamp" not in m:
                    return _error(400, "INVALID_PARAMETER_VALUE", "metric needs a numeric value and a timestamp")
                run["metrics"][m["key"]] = m["value"]
            return json_response(200, {})
        prefix = "/api/2.0/mlflow-artifacts/artifacts/"
        if req.method == "PUT" and req.path.startswith(prefix):
            self.artifacts[req.path[len(prefix):]] = req.body
            return json_response(200, {})
        return _error(404, "ENDPOINT_NOT_FOUND", f"No API route for {req.method} {req.path}")

    def stop(self) -> None:
        self.server.stop()
