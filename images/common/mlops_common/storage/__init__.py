"""Object storage behind one small interface; one implementation per cloud (s3.py, azure_blob.py, gcs.py)."""
from .object_storage import ObjectNotFound, ObjectStorage

__all__ = ["ObjectNotFound", "ObjectStorage"]
