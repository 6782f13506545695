from __future__ import annotations

import io
from pathlib import Path

import pytest
from dagster import DagsterInstance
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from oceanid_dagster.resources.document_store import DocumentStoreResource
from oceanid_dagster.resources.model_hub import ModelHubResource
from oceanid_dagster.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.resources.triton import TritonResource
from oceanid_dagster.resources.warehouse import WarehouseResource


def text_pdf(*pages: str) -> bytes:
    """A PDF with a real text layer, one string per page (lines split on newlines)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for page in pages:
        y = 800
        for line in page.splitlines():
            pdf.setFont("Courier", 10)
            pdf.drawString(40, y, line)
            y -= 14
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("OCEANID_HOME", str(tmp_path))
    (tmp_path / "uploads").mkdir()
    return tmp_path


@pytest.fixture
def resources(home: Path) -> dict:
    model_hub = ModelHubResource(local_dir=str(home / "hub"))
    return {
        "warehouse": WarehouseResource(database=str(home / "oceanid.duckdb")),
        "document_store": DocumentStoreResource(uploads_uri=str(home / "uploads"), settle_seconds=0),
        "ocr_engine": OcrEngineResource(workers=2, dpi=200),
        "model_hub": model_hub,
        "ner_runtime": NerRuntimeResource(
            models_cache_dir=str(home / "models"), model_hub=model_hub, triton=TritonResource(base_url=None)
        ),
    }


@pytest.fixture
def instance():
    with DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral
