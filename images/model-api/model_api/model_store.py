"""The one model version this deployment serves: the manifest's MODEL_VERSION, loaded from the artifact bucket.

It never switches to another version: a new model reaches an environment as a new manifest (and so a new
deployment) through the promoter's metric gate. `reload` re-reads the same version, for when the first load
failed (the bucket was briefly unreachable).
"""
from __future__ import annotations

import logging
import threading
from typing import Optional

from mlops_common.linear_model import LinearClassifier, ModelFileError
from mlops_common.storage import ObjectNotFound, ObjectStorage

from .settings import NO_MODEL

log = logging.getLogger("model-api")


def model_key(model: str, version: str) -> str:
    """Where the train job writes a version's model file (images/train)."""
    return f"models/{model}/{version}/model.json"


class ModelStore:
    def __init__(self, storage: ObjectStorage, bucket: str, model_name: str, version: str) -> None:
        self._storage = storage
        self._bucket = bucket
        self.model_name = model_name
        self.version = version
        self._model: Optional[LinearClassifier] = None
        self.problem: Optional[str] = None if version != NO_MODEL else "no model has been promoted to this environment yet"
        self._lock = threading.Lock()

    @property
    def model(self) -> Optional[LinearClassifier]:
        return self._model

    @property
    def healthy(self) -> bool:
        """False only when a named version could not be loaded (then the runtime keeps the previous revision)."""
        return self.version == NO_MODEL or self._model is not None

    def load(self) -> bool:
        """Loads the pinned version; True when a model is loaded afterwards."""
        if self.version == NO_MODEL:
            return False
        key = model_key(self.model_name, self.version)
        with self._lock:
            try:
                self._model = LinearClassifier.from_json(self._storage.get(self._bucket, key))
                self.problem = None
                log.info("serving %s version %s from %s/%s", self.model_name, self.version, self._bucket, key)
            except ObjectNotFound:
                self.problem = f"model file {key} is not in bucket {self._bucket}"
            except ModelFileError as e:
                self.problem = f"model file {key}: {e}"
            except Exception as e:  # storage trouble: report it, keep running, reload may succeed later
                self.problem = f"model file {key} could not be read: {type(e).__name__}: {e}"
            if self.problem:
                log.error("%s", self.problem)
            return self._model is not None
