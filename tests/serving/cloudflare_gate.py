"""A reverse proxy standing in for Cloudflare Access in front of the local Triton server.

Like Access with a service-token policy it answers 403 unless both ``CF-Access-Client-Id`` and
``CF-Access-Client-Secret`` match, and can answer 502 for the first N requests (the origin is
down) to exercise the client's retries. It records every request's headers.
"""

from __future__ import annotations

import http.client
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

FORWARDED_RESPONSE_HEADERS = ("Content-Type", "Inference-Header-Content-Length")


@dataclass
class GateState:
    client_id: str
    client_secret: str
    origin: str
    failures_left: int = 0
    requests: list[dict[str, str]] = field(default_factory=list)
    responses: list[dict[str, str]] = field(default_factory=list)


class CloudflareGate:
    def __init__(self, origin: str, client_id: str, client_secret: str) -> None:
        self.state = GateState(client_id, client_secret, origin)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.state))
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> CloudflareGate:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(state: GateState):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):  # keep test output quiet
            pass

        def do_GET(self):
            self._gate()

        def do_POST(self):
            self._gate()

        def _gate(self):
            state.requests.append(dict(self.headers.items()))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if (
                self.headers.get("CF-Access-Client-Id") != state.client_id
                or self.headers.get("CF-Access-Client-Secret") != state.client_secret
            ):
                return self._reply(403, {"Content-Type": "text/html"}, b"<html>Forbidden: Cloudflare Access</html>")
            if state.failures_left > 0:
                state.failures_left -= 1
                return self._reply(502, {"Content-Type": "text/html"}, b"<html>Bad gateway</html>")
            origin = urlsplit(state.origin)
            connection = http.client.HTTPConnection(origin.hostname, origin.port, timeout=60)
            forwarded = {
                k: v
                for k, v in self.headers.items()
                if k.lower() in ("content-type", "inference-header-content-length")
            }
            connection.request(self.command, self.path, body=body or None, headers=forwarded)
            response = connection.getresponse()
            payload = response.read()
            headers = {
                name: response.getheader(name) for name in FORWARDED_RESPONSE_HEADERS if response.getheader(name)
            }
            state.responses.append(headers)
            connection.close()
            self._reply(response.status, headers, payload)

        def _reply(self, status: int, headers: dict[str, str], payload: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    return Handler
