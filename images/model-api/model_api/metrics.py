"""Prometheus metrics of the model API: requests (by route, method, status), latency, predictions."""
from __future__ import annotations

import time
from typing import Awaitable, Callable, Iterable

from fastapi import FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest


class ApiMetrics:
    """One registry per app, so tests (and two apps in one process) do not share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("http_requests_total", "HTTP requests served", ["method", "path", "status"], registry=self.registry)
        self.latency = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "path"], registry=self.registry)
        self.predictions = Counter("predictions_total", "Predictions made", ["model", "version"], registry=self.registry)

    def install(self, app: FastAPI, paths: Callable[[], Iterable[str]]) -> None:
        """Counts every request; the path label is the route's path, or `other` (bounded cardinality)."""

        @app.middleware("http")
        async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
            start = time.perf_counter()
            path = request.url.path if request.url.path in set(paths()) else "other"
            status = 500
            try:
                response = await call_next(request)
                status = response.status_code
                return response
            finally:
                self.latency.labels(request.method, path).observe(time.perf_counter() - start)
                self.requests.labels(request.method, path, str(status)).inc()

    def exposition(self) -> Response:
        return Response(content=generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
