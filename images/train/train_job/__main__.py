"""`python -m train_job`: one training run, then exit with its code."""
from __future__ import annotations

import os
import sys

from mlops_common.env import ConfigError
from mlops_common.platform import configure_logging
from mlops_common.storage.factory import storage_for

from .job import run
from .settings import read_settings
from .tracker import tracker_for


def main() -> None:
    try:
        settings = read_settings(os.environ)
    except ConfigError as e:
        print(f"train: {e}", file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.platform)
    sys.exit(run(settings, storage_for(settings.platform), tracker_for(settings.platform.cloud, settings.mlflow_tracking_uri)))


if __name__ == "__main__":
    main()
