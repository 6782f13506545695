"""The remote OCR engine refusing connections or answering 500 mid-run: retried, then a clear
failure naming the file when it keeps failing; the next run completes without duplicates."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from devtools.services import free_port
from oceanid_dagster.defs.resources.ocr_engine import PNG_SIGNATURE, OcrEngineResource
from oceanid_dagster.domain.documents import document_id
from tests.faults.conftest import (
    clean_run_counts,
    sample_pdfs,
    scanned_pdfs,
    statuses,
    step_failure_text,
    stored_counts,
)
from tests.ingestion.helpers import register, run_batch, upload

PAGE_TEXT = "VESSEL REGISTRY EXTRACT\nName of vessel: TAISEI MARU NO.24\nIMO number: 9086758\nFlag State: Japan"


class ScriptedOcr(BaseHTTPRequestHandler):
    """Answers each POST with the next status of ``server.script`` (the last one repeats)."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        server = self.server
        with server.lock:
            server.bodies.append(body)
            status = server.script[min(server.requests, len(server.script) - 1)]
            server.requests += 1
        if status == "slow":  # answers after the client's read timeout
            time.sleep(server.slow_s)
            status = 200
        body = json.dumps(
            {"text": PAGE_TEXT, "confidence": 0.93} if status == 200 else {"error": "overloaded"}
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


@contextmanager
def ocr_service(port: int, script: list[int]) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", port), ScriptedOcr)
    server.script, server.requests, server.lock, server.slow_s = script, 0, threading.Lock(), 2.0
    server.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def remote_engine(port: int, retries: int) -> OcrEngineResource:
    return OcrEngineResource(
        engine="remote", remote_url=f"http://127.0.0.1:{port}/ocr", remote_retries=retries, remote_timeout_s=10, dpi=100
    )


def test_remote_ocr_failures_are_retried_then_fail_clearly_and_the_next_run_completes(home: Path, resources, instance):
    text, scan = sample_pdfs(2, seed=71), scanned_pdfs(1, seed=72)
    ids = register(resources, instance, upload(home, {**text, **scan}))
    scan_id, scan_name = document_id(next(iter(scan.values()))), next(iter(scan))
    port = free_port()  # nothing listens here yet: connections are refused

    refused = run_batch(instance, {**resources, "ocr_engine": remote_engine(port, retries=1)}, ids)

    assert not refused.success
    message = step_failure_text(refused)
    assert "1 of 3 documents failed" in message and scan_name in message
    assert (
        f"remote OCR at http://127.0.0.1:{port}/ocr failed after 2 attempts" in message
        and "Connection refused" in message
    )
    assert statuses(resources["warehouse"])[scan_id] == "failed"

    with ocr_service(port, [500, 500, 500]) as always_500:
        broken = run_batch(instance, {**resources, "ocr_engine": remote_engine(port, retries=2)}, ids)
    assert not broken.success and "failed after 3 attempts: HTTP 500" in step_failure_text(broken)
    assert always_500.requests == 3

    engine = remote_engine(port, retries=2)
    with ocr_service(port, [500, 200]) as flaky:
        recovered = run_batch(instance, {**resources, "ocr_engine": engine}, ids)
        expected = clean_run_counts({**text, **scan}, engine)

    assert recovered.success
    assert flaky.requests == 2 + 1, "the 500 was retried once; the clean reference run asked once more"
    assert set(statuses(resources["warehouse"]).values()) == {"processed"}
    assert stored_counts(resources["warehouse"]) == expected
    [method] = resources["warehouse"].query("SELECT method FROM raw_ocr WHERE document_id = ?", [scan_id])
    assert method == {"method": "remote"}


def test_a_read_timeout_is_retried_like_a_refused_connection():
    port = free_port()
    with ocr_service(port, ["slow", 200]) as server:
        engine = OcrEngineResource(engine="remote", remote_url=f"http://127.0.0.1:{port}/ocr", remote_timeout_s=0.5)
        text, confidence = engine._remote_page(page_image("TIFF"))
    assert text == PAGE_TEXT and confidence == 0.93
    assert server.requests == 2


def test_the_remote_service_is_sent_pngs_though_pages_are_rendered_as_tiff():
    port = free_port()
    with ocr_service(port, [200]) as server:
        engine = OcrEngineResource(engine="remote", remote_url=f"http://127.0.0.1:{port}/ocr")
        engine._remote_page(page_image("TIFF"))
        engine._remote_page(page_image("PNG"))
    assert len(server.bodies) == 2
    for body in server.bodies:
        assert b'filename="page.png"' in body and b"Content-Type: image/png" in body
        assert PNG_SIGNATURE in body and b"II*\x00" not in body


def page_image(image_format: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (240, 60), 255)
    ImageDraw.Draw(image).text((10, 20), "IMO 9086758", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()
