"""The interface the retrain endpoint programs against."""
from __future__ import annotations

from typing import Protocol


class JobStartError(Exception):
    """The job runtime refused or could not be reached; the message says what it answered."""


class JobStarter(Protocol):
    def start(self) -> str:
        """Starts one run of the train job and returns the runtime's id for it (task ARN, execution name)."""
