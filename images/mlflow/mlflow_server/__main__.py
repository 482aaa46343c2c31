"""`python -m mlflow_server`: read the settings, then replace this process with `mlflow server` (PID 1 gets signals)."""
from __future__ import annotations

import os
import sys

from .launch import server_command, server_environment
from .settings import ConfigError, read_settings


def main() -> None:
    try:
        settings = read_settings(os.environ)
        command = server_command(settings)
        env = server_environment(settings, dict(os.environ))
    except ConfigError as e:
        print(f"mlflow entrypoint: {e}", file=sys.stderr)
        sys.exit(2)
    print(f"mlflow entrypoint ({settings.service_name} {settings.image_version}, {settings.environment}): {' '.join(command)} (backend store {settings.db_user}@{settings.db_host}:{settings.db_port}/{settings.db_name}, auth {settings.db_auth})", file=sys.stderr)
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main()
