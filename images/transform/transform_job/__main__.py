"""`python -m transform_job`: one run, then exit with its code."""
from __future__ import annotations

import os
import sys

from mlops_common.env import ConfigError
from mlops_common.platform import configure_logging
from mlops_common.storage.factory import storage_for

from .job import run, run_from_queue
from .settings import read_settings


def main() -> None:
    try:
        settings = read_settings(os.environ)
    except ConfigError as e:
        print(f"transform: {e}", file=sys.stderr)
        sys.exit(2)
    configure_logging(settings.platform)
    storage = storage_for(settings.platform)
    if settings.event_queue_url:
        from .queue_event import AzureEventQueue

        sys.exit(run_from_queue(settings, storage, AzureEventQueue(settings.event_queue_url, settings.platform.azure_client_id)))
    sys.exit(run(settings, storage))


if __name__ == "__main__":
    main()
