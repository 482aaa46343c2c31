"""A threaded loopback HTTP server whose handler is a plain function; records every request."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: Dict[str, List[str]]
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


#: (status, headers, body) returned by a handler.
Response = Tuple[int, Dict[str, str], bytes]


def json_response(status: int, body: Any) -> Response:
    return status, {"Content-Type": "application/json"}, json.dumps(body).encode()


@dataclass
class StandIn:
    """A running server: `url`, the `requests` it saw, `stop()`."""

    url: str
    requests: List[Request] = field(default_factory=list)
    _server: Optional[ThreadingHTTPServer] = None

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()


def serve(handler: Callable[[Request], Response]) -> StandIn:
    """Starts a server on 127.0.0.1 and a free port; `handler` answers each request."""
    standin = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            parts = urlsplit(self.path)
            req = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            standin.requests.append(req)
            status, headers, body = handler(req)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _handle

        def log_message(self, *args: Any) -> None:  # quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    standin.url = f"http://127.0.0.1:{server.server_address[1]}"
    standin._server = server
    # shutdown() waits for the loop's next poll: at the default 0.5 s every test would pay that in teardown.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return standin
