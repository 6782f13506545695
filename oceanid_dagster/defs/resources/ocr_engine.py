"""The OCR engine: the PDF text layer plus tesseract locally, or a remote OCR service over HTTP."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Literal
from urllib.parse import urlsplit

import requests
from dagster import ConfigurableResource
from pydantic import Field

from oceanid_dagster.reading.pdf import (
    REMOTE,
    TESSERACT,
    PageBounds,
    PageText,
    default_workers,
    engine_versions,
    read_pdfs,
    tesseract_png,
)


class OcrEngineResource(ConfigurableResource):
    """Reads every page of a PDF. Pages with a usable text layer never go through OCR."""

    engine: Literal["tesseract", "remote"] = Field(
        default="tesseract", description="OCR for pages without a text layer: local tesseract or a remote service."
    )
    dpi: int = Field(default=300, description="Rasterisation resolution for OCR.")
    min_text_chars: int = Field(default=20, description="Fewer letters/digits than this on a page means a scan.")
    max_pages: int = Field(default=500, description="Documents with more pages are rejected.")
    max_page_pixels: int = Field(
        default=PageBounds.max_page_pixels, description="Pages rendered for OCR are scaled down to this many pixels."
    )
    min_ocr_dpi: int = Field(
        default=PageBounds.min_ocr_dpi,
        description="A page that would render below this resolution within max_page_pixels is rejected.",
    )
    max_line_chars: int = Field(
        default=PageBounds.max_line_chars,
        description="Longer laid-out text lines keep their glyphs, not their padding.",
    )
    max_page_chars: int = Field(
        default=PageBounds.max_page_chars, description="A page with more characters of text is rejected."
    )
    workers: int = Field(default=0, description="Parallel tesseract processes; 0 = one per core.")
    language: str = "eng"
    remote_url: str | None = Field(
        default=None,
        description="Remote OCR: a DeepSeek-OCR style endpoint (POST pdf bytes -> JSON pages) or a Triton "
        "base URL serving docling_granite_python.",
    )
    remote_kind: Literal["http_pages", "triton_docling"] = "http_pages"
    remote_timeout_s: float = 300.0
    remote_retries: int = 3

    def read_many(
        self, documents: Iterable[tuple[str, Callable[[], bytes]]]
    ) -> Iterator[tuple[str, list[PageText] | Exception]]:
        yield from read_pdfs(
            documents,
            max_pages=self.max_pages,
            min_text_chars=self.min_text_chars,
            dpi=self.dpi,
            workers=self.workers or default_workers(),
            ocr_page=self._ocr_page_function(),
            ocr_method=TESSERACT if self.engine == "tesseract" else REMOTE,
            bounds=self.page_bounds,
        )

    def engine_versions(self) -> dict[str, str]:
        """Page method -> the engine (and version) that produced such pages."""
        versions = engine_versions()
        if self.remote_url:
            versions[REMOTE] = f"{self.remote_kind} {urlsplit(self.remote_url).hostname}"
        return versions

    @property
    def page_bounds(self) -> PageBounds:
        return PageBounds(self.max_page_pixels, self.min_ocr_dpi, self.max_line_chars, self.max_page_chars)

    def _ocr_page_function(self) -> Callable[[bytes], tuple[str, float | None]]:
        if self.engine == "tesseract":
            return lambda png: tesseract_png(png, self.language)
        if not self.remote_url:
            raise ValueError("OCR engine 'remote' needs remote_url")
        return self._remote_page

    def _remote_page(self, png: bytes) -> tuple[str, float | None]:
        if self.remote_kind == "triton_docling":
            response = self._post_with_retries(
                f"{self.remote_url.rstrip('/')}/v2/models/docling_granite_python/infer",
                json=_docling_request(png),
            )
            payload = json.loads(response.json()["outputs"][0]["data"][0])
            return payload.get("text", ""), None
        response = self._post_with_retries(self.remote_url, files={"file": ("page.png", png, "image/png")})
        payload = response.json()
        pages = payload.get("pages") or [payload]
        return "\n".join(page.get("text", "") for page in pages), payload.get("confidence")

    def _post_with_retries(self, url: str, **kwargs) -> requests.Response:
        last_error: Exception | None = None
        for attempt in range(self.remote_retries + 1):
            try:
                response = requests.post(url, timeout=self.remote_timeout_s, **kwargs)
                if response.status_code < 500:
                    response.raise_for_status()
                    return response
                last_error = RuntimeError(f"HTTP {response.status_code}")
            except requests.ConnectionError as error:
                last_error = error
            if attempt < self.remote_retries:  # no pause after the last attempt: fail now
                time.sleep(min(2**attempt, 30))
        raise RuntimeError(f"remote OCR at {url} failed after {self.remote_retries + 1} attempts: {last_error}")


def _docling_request(png: bytes) -> dict:
    def tensor(name: str, value: str) -> dict:
        return {"name": name, "shape": [1, 1], "datatype": "BYTES", "data": [value]}

    return {
        "inputs": [
            tensor("pdf_data", base64.b64encode(png).decode("ascii")),
            tensor("prompt", "Convert the document to text."),
            tensor("text", ""),
        ]
    }
