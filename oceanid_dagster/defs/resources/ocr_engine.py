"""The OCR engine: the PDF text layer plus tesseract locally, or a remote OCR service over HTTP."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Literal
from urllib.parse import urlsplit

import requests
from dagster import ConfigurableResource
from pydantic import Field

from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.reading.pdf import (
    REMOTE,
    TESSERACT,
    PageBounds,
    PageText,
    engine_versions,
    read_pdfs,
    tesseract_image,
)
from oceanid_dagster.settings import available_cores

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class OcrEngineResource(ConfigurableResource):
    """Reads every page of a PDF. Pages with a usable text layer never go through OCR."""

    engine: Literal["tesseract", "remote", "triton_docling"] = Field(
        default="tesseract",
        description="OCR for pages without a text layer: local tesseract, a remote HTTP pages service, or "
        "docling_granite_python on Triton (through `triton`).",
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
        default=None, description="Remote OCR: a DeepSeek-OCR style endpoint (POST page image -> JSON pages)."
    )
    triton: TritonResource | None = Field(
        default=None, description="Triton serving docling_granite_python (engine triton_docling)."
    )
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
            workers=self.workers or available_cores(),
            ocr_page=self._ocr_page_function(),
            ocr_method=TESSERACT if self.engine == "tesseract" else REMOTE,
            bounds=self.page_bounds,
        )

    def engine_versions(self) -> dict[str, str]:
        """Page method -> the engine (and version) that produced such pages."""
        versions = engine_versions()
        if self.engine == "triton_docling" and self.triton is not None:
            versions[REMOTE] = f"docling_granite_python on {urlsplit(self.triton.base_url or '').hostname}"
        elif self.remote_url:
            versions[REMOTE] = f"http_pages {urlsplit(self.remote_url).hostname}"
        return versions

    @property
    def page_bounds(self) -> PageBounds:
        return PageBounds(self.max_page_pixels, self.min_ocr_dpi, self.max_line_chars, self.max_page_chars)

    def _ocr_page_function(self) -> Callable[[bytes], tuple[str, float | None]]:
        if self.engine == "tesseract":
            return lambda image: tesseract_image(image, self.language)
        if self.engine == "triton_docling":
            if self.triton is None or not self.triton.base_url:
                raise ValueError("OCR engine 'triton_docling' needs Triton: set TRITON_BASE_URL")
            return self._docling_page
        if not self.remote_url:
            raise ValueError("OCR engine 'remote' needs remote_url")
        return self._remote_page

    def _docling_page(self, image: bytes) -> tuple[str, float | None]:
        """The page image as a one-page PDF (what the model takes) through docling_granite_python."""
        return self.triton.docling_convert(image_as_pdf(image)).get("text", ""), None

    def _remote_page(self, image: bytes) -> tuple[str, float | None]:
        response = self._post_with_retries(
            self.remote_url, files={"file": ("page.png", image_as_png(image), "image/png")}
        )
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
            except (requests.ConnectionError, requests.Timeout) as error:  # a read timeout is worth a retry too
                last_error = error
            if attempt < self.remote_retries:  # no pause after the last attempt: fail now
                time.sleep(min(2**attempt, 30))
        raise RuntimeError(f"remote OCR at {url} failed after {self.remote_retries + 1} attempts: {last_error}")


def image_as_pdf(image_bytes: bytes) -> bytes:
    """A one-page PDF holding the page image (any format Pillow reads) at its resolution."""
    from PIL import Image

    with Image.open(io.BytesIO(image_bytes)) as image:
        output = io.BytesIO()
        image.convert("RGB").save(output, format="PDF", resolution=float(image.info.get("dpi", (300, 300))[0]))
    return output.getvalue()


def image_as_png(image_bytes: bytes) -> bytes:
    """The page image as PNG, what a remote pages service is sent (pages are rendered as TIFF)."""
    from PIL import Image

    if image_bytes.startswith(PNG_SIGNATURE):
        return image_bytes
    with Image.open(io.BytesIO(image_bytes)) as image:
        output = io.BytesIO()
        image.save(output, format="PNG", compress_level=1)
    return output.getvalue()
