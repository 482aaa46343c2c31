"""POST /upload: the body is the data file; it lands at raw/incoming/<date>/<id> in the raw bucket.

The body is streamed and counted (413 past MAX_UPLOAD_BYTES, before it is all read), buffered in a spooled temp
file (memory, then TMPDIR), and only then written to the bucket, so a refused upload writes nothing.
"""
from __future__ import annotations

import datetime
import logging
import tempfile
import uuid
from typing import Callable, Optional

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from mlops_common.auth import Principal, TokenVerifier
from mlops_common.auth.fastapi_auth import auth_dependencies
from mlops_common.storage import ObjectStorage

from .settings import ReceiverSettings

#: Where uploads land in the raw bucket; the transform job and the data trigger watch this prefix.
INCOMING_PREFIX = "raw/incoming/"
#: File name extension per accepted content type, so the transform job knows the format from the key.
EXTENSIONS = {"text/csv": ".csv", "application/json": ".json", "application/x-parquet": ".parquet"}
_SPOOL_BYTES = 8 * 1024 * 1024

log = logging.getLogger("receiver")


def incoming_key(content_type: str, now: datetime.datetime, upload_id: str) -> str:
    """`raw/incoming/<YYYY-MM-DD>/<id><ext>` (UTC date)."""
    return f"{INCOMING_PREFIX}{now.strftime('%Y-%m-%d')}/{upload_id}{EXTENSIONS.get(content_type, '')}"


def create_app(
    settings: ReceiverSettings,
    storage: ObjectStorage,
    verifier: TokenVerifier,
    clock: Callable[[], datetime.datetime] = lambda: datetime.datetime.now(datetime.timezone.utc),
) -> FastAPI:
    """The receiver app over one storage and one token verifier."""
    app = FastAPI(title="receiver", version=settings.platform.image_version)
    signed_in, _ = auth_dependencies(verifier, settings.auth.admin_paths)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok", "service": settings.platform.service_name, "version": settings.platform.image_version}

    @app.post("/upload", status_code=201)
    async def upload(request: Request, principal: Principal = Depends(signed_in)) -> JSONResponse:
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if content_type not in settings.allowed_content_types:
            raise HTTPException(415, f"content type {content_type or '(none)'} is not accepted (accepted: {', '.join(settings.allowed_content_types)})")
        declared: Optional[str] = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > settings.max_upload_bytes:
            raise HTTPException(413, f"upload of {declared} bytes exceeds the limit of {settings.max_upload_bytes} bytes")
        size = 0
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as buffer:
            async for chunk in request.stream():
                size += len(chunk)
                if size > settings.max_upload_bytes:
                    raise HTTPException(413, f"upload exceeds the limit of {settings.max_upload_bytes} bytes")
                buffer.write(chunk)
            if size == 0:
                raise HTTPException(400, "the upload is empty")
            buffer.seek(0)
            key = incoming_key(content_type, clock(), uuid.uuid4().hex)
            await run_in_threadpool(storage.put, settings.bucket_raw, key, buffer, content_type)
        log.info("stored %s (%d bytes, %s) from %s", key, size, content_type, principal.subject)
        return JSONResponse(status_code=201, content={"bucket": settings.bucket_raw, "key": key, "bytes": size, "contentType": content_type})

    return app
