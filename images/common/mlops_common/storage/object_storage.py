"""The object storage interface the workloads program against; app code never names a cloud."""
from __future__ import annotations

from typing import BinaryIO, List, Protocol, Union


class ObjectNotFound(Exception):
    """The bucket has no object under that key."""

    def __init__(self, bucket: str, key: str) -> None:
        super().__init__(f"no object {key!r} in bucket {bucket!r}")
        self.bucket = bucket
        self.key = key


class ObjectStorage(Protocol):
    """Buckets (AWS, Google) or blob containers (Azure) addressed by name, objects by key."""

    def put(self, bucket: str, key: str, data: Union[bytes, BinaryIO], content_type: str) -> None:
        """Writes (or replaces) one object; a file object is read from its current position to the end."""

    def get(self, bucket: str, key: str) -> bytes:
        """The object's bytes; ObjectNotFound when absent."""

    def exists(self, bucket: str, key: str) -> bool:
        """Whether an object exists under exactly this key."""

    def list_keys(self, bucket: str, prefix: str) -> List[str]:
        """Every key starting with `prefix`, sorted."""
