"""A loopback stand-in for the Cloud Storage JSON API: objects.insert (media), objects.get (+alt=media), objects.list.

It follows the documented request and response shapes and checks the bearer token; it is not Google's server
(no emulator of Cloud Storage is packaged for Debian or npm here), so what it proves is that our client speaks
that API as documented.
"""
from __future__ import annotations

from typing import Dict, Tuple
from urllib.parse import unquote

from .http_standin import Request, Response, json_response, serve

TOKEN = "gcs-test-token"


class GcsStandIn:
    """Objects in memory keyed by (bucket, name); list pages hold at most `page_size` items."""

    def __init__(self, page_size: int = 2) -> None:
        self.objects: Dict[Tuple[str, str], Tuple[str, bytes]] = {}
        self.page_size = page_size
        self.server = serve(self._handle)
        self.url = self.server.url

    def _handle(self, req: Request) -> Response:
        if req.headers.get("authorization") != f"Bearer {TOKEN}":
            return json_response(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
        parts = req.path.split("/")
        if req.method == "POST" and req.path.startswith("/upload/storage/v1/b/") and parts[-1] == "o":
            if req.query.get("uploadType") != ["media"]:
                return json_response(400, {"error": {"code": 400, "message": "uploadType=media expected"}})
            bucket, name = unquote(parts[5]), req.query["name"][0]
            self.objects[(bucket, name)] = (req.headers.get("content-type", ""), req.body)
            return json_response(200, {"bucket": bucket, "name": name, "size": str(len(req.body))})
        if req.method == "GET" and req.path.startswith("/storage/v1/b/"):
            bucket = unquote(parts[4])
            if len(parts) == 6 and parts[5] == "o":
                prefix = req.query.get("prefix", [""])[0]
                names = sorted(n for (b, n) in self.objects if b == bucket and n.startswith(prefix))
                start = int(req.query.get("pageToken", ["0"])[0])
                page = names[start : start + self.page_size]
                body: Dict[str, object] = {"kind": "storage#objects", "items": [{"name": n} for n in page]}
                if start + self.page_size < len(names):
                    body["nextPageToken"] = str(start + self.page_size)
                return json_response(200, body)
            if len(parts) == 7 and parts[5] == "o":
                name = unquote(parts[6])
                found = self.objects.get((bucket, name))
                if found is None:
                    return json_response(404, {"error": {"code": 404, "message": "No such object"}})
                if req.query.get("alt") == ["media"]:
                    return 200, {"Content-Type": found[0]}, found[1]
                return json_response(200, {"bucket": bucket, "name": name, "contentType": found[0], "size": str(len(found[1]))})
        return json_response(404, {"error": {"code": 404, "message": f"no route {req.method} {req.path}"}})

    def stop(self) -> None:
        self.server.stop()
