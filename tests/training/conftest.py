from __future__ import annotations

from datetime import datetime, timezone

import pytest

from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.samples.generator import SampleDocument, generate_documents
from oceanid_dagster.samples.registry_csv import load_sample_registry
from oceanid_dagster.training.base_models import BaseModel, build_tiny_base_model
from oceanid_dagster.training.dataset import TEST, hash_split, silver_pages


@pytest.fixture(scope="session")
def documents() -> list[SampleDocument]:
    return generate_documents(load_sample_registry(), 16, 11)


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory, documents) -> BaseModel:
    texts = [page.text for document in documents for page in document.pages]
    return build_tiny_base_model(tmp_path_factory.mktemp("tiny-base"), texts)


def correction_rows(page, record_id: str) -> list[dict]:
    return [
        {
            "record_id": record_id,
            "label": span.label,
            "start_char": span.start,
            "end_char": span.end,
            "document_id": page.document_id,
            "page_number": page.page_number,
            "text": span.text_in(page.text),
            "original_label": span.label,
            "correction": "accept",
            "annotator": "tester",
            "submitted_at": datetime(2025, 1, 1, tzinfo=timezone.utc),
        }
        for span in page.spans
    ]


@pytest.fixture
def warehouse(tmp_path, documents) -> WarehouseResource:
    """Gold: the pages of two generated documents that hash into test, as if uploaded and corrected."""
    warehouse = WarehouseResource(database=str(tmp_path / "oceanid.duckdb"))
    pages = [page for page in silver_pages(documents) if hash_split(page.document_id) == TEST]
    assert pages, "fixture documents must include a test document"
    at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    warehouse.upsert_rows(
        "raw_ocr",
        [
            {
                "document_id": p.document_id,
                "page_number": p.page_number,
                "text": p.text,
                "method": "text_layer",
                "confidence": 1.0,
                "ocr_at": at,
            }
            for p in pages
        ],
    )
    warehouse.upsert_rows(
        "entity_corrections", [row for index, page in enumerate(pages) for row in correction_rows(page, f"r{index}")]
    )
    return warehouse
