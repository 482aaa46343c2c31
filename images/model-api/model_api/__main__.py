"""`python -m model_api`: settings, storage, the pinned model, the cloud's job starter, uvicorn on PORT."""
from __future__ import annotations

import os
import sys

import uvicorn

from mlops_common.auth import TokenVerifier
from mlops_common.env import ConfigError
from mlops_common.platform import configure_logging
from mlops_common.storage.factory import storage_for

from .app import create_app
from .jobs.factory import job_starter_for
from .model_store import ModelStore
from .settings import read_settings


def main() -> None:
    try:
        settings = read_settings(os.environ)
    except ConfigError as e:
        print(f"model-api: {e}", file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.platform)
    store = ModelStore(storage_for(settings.platform), settings.bucket_mlflow_artifacts, settings.model_name, settings.model_version)
    store.load()
    app = create_app(settings, store, job_starter_for(settings), TokenVerifier(settings.auth))
    uvicorn.run(app, host="0.0.0.0", port=settings.port, log_level=settings.platform.log_level, proxy_headers=True)


if __name__ == "__main__":
    main()
