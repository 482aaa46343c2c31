"""`python -m receiver`: settings from the environment, the cloud's storage, uvicorn on PORT."""
from __future__ import annotations

import os
import sys

import uvicorn

from mlops_common.auth import TokenVerifier
from mlops_common.env import ConfigError
from mlops_common.platform import configure_logging
from mlops_common.storage.factory import storage_for

from .app import create_app
from .settings import read_settings


def main() -> None:
    try:
        settings = read_settings(os.environ)
    except ConfigError as e:
        print(f"receiver: {e}", file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.platform)
    app = create_app(settings, storage_for(settings.platform), TokenVerifier(settings.auth))
    uvicorn.run(app, host="0.0.0.0", port=settings.port, log_level=settings.platform.log_level, proxy_headers=True)


if __name__ == "__main__":
    main()
