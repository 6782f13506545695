"""documents → raw_ocr → extracted_entities over a batch, with dagster.materialize and real DuckDB."""

from __future__ import annotations

from dagster import AssetKey

from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.domain.documents import document_id
from tests.ingestion.helpers import register, rows_per_document, run_batch, upload
from tests.pdf_fixtures import text_pdf

AUTHORISATION = """AUTHORISATION TO FISH - IOTC RECORD OF AUTHORISED VESSELS
Name of vessel: TAISEI MARU NO.24
IMO number: 9086758
Call sign: JILE
Flag State: Japan
Gross tonnage: 4,992 GT
Length overall: 117 m
Owner: TAISEIMARU KAIUN KAISHA, LTD
Authorised from 22 Aug 2025 to 21 Aug 2026"""

NOTICE = """IUU VESSEL NOTICE
The reefer IBUKI (IMO 9666481, call sign 3ELC8), flagged to Panama,
was sighted on 13 August 2025 transhipping without authorisation."""


def test_batch_reads_every_page_and_extracts_entities(home, resources, instance):
    pdfs = {"authorisation.pdf": text_pdf(AUTHORISATION, "Page 2\nNo further entries."), "notice.pdf": text_pdf(NOTICE)}
    ids = register(resources, instance, upload(home, pdfs))

    result = run_batch(instance, resources, ids)

    assert result.success
    warehouse = resources["warehouse"]
    assert rows_per_document(warehouse, "raw_ocr") == {ids[0]: 2, ids[1]: 1}
    statuses = {row["document_id"]: row for row in warehouse.query("SELECT * FROM documents")}
    assert {row["status"] for row in statuses.values()} == {"processed"}
    assert statuses[ids[0]]["page_count"] == 2
    entities = warehouse.query("SELECT label, text, source FROM entities WHERE document_id = ?", [ids[0]])
    found = {(row["label"], row["text"]) for row in entities}
    assert {("IMO", "9086758"), ("IRCS", "JILE"), ("VESSEL_NAME", "TAISEI MARU NO.24")} <= found
    assert {row["source"] for row in entities} == {"rules"}
    checks = {evaluation.check_name: evaluation.passed for evaluation in result.get_asset_check_evaluations()}
    assert checks == {
        "every_page_has_text": True,
        "entity_text_matches_page": True,
        "identifiers_pass_validators": True,
    }
    metadata = result.asset_materializations_for_node("extracted_entities")[0].metadata
    assert metadata["entities"].value == len(warehouse.query("SELECT * FROM entities"))


def test_bad_files_fail_by_name_and_reason_while_the_rest_go_on(home, resources, instance):
    good = text_pdf(NOTICE)
    bad = {
        "empty.pdf": b"",
        "not-a-pdf.pdf": b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
        "corrupt.pdf": good[: len(good) // 3],
        "../evil\u202ename.pdf": b"%PDF-1.4 garbage",
    }
    files = {"good.pdf": good, **{name.replace("/", "_"): data for name, data in bad.items()}}
    ids = register(resources, instance, upload(home, files))

    result = run_batch(instance, resources, ids)

    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    message = failure.step_failure_data.error.message
    assert "4 of 5 documents failed" in message
    assert "empty.pdf" in message and "empty file (0 bytes)" in message
    assert "not-a-pdf.pdf" in message and "not a PDF" in message
    assert "corrupt.pdf" in message
    warehouse = resources["warehouse"]
    statuses = {row["document_id"]: (row["status"], row["error"]) for row in warehouse.query("SELECT * FROM documents")}
    assert statuses[document_id(good)] == ("processed", None)
    assert sum(1 for status, error in statuses.values() if status == "failed" and error) == 4
    assert set(rows_per_document(warehouse, "raw_ocr")) == {document_id(good)}
    assert set(rows_per_document(warehouse, "entities")) == {document_id(good)}
    # The UI's partition status of the last stage: the good document materialised, the bad ones failed.
    assert instance.get_materialized_partitions(AssetKey("extracted_entities")) == {document_id(good)}


def test_a_retry_creates_no_duplicates(home, resources, instance):
    ids = register(resources, instance, upload(home, {"a.pdf": text_pdf(AUTHORISATION), "b.pdf": text_pdf(NOTICE)}))
    assert run_batch(instance, resources, ids).success
    warehouse = resources["warehouse"]
    before = {table: rows_per_document(warehouse, table) for table in ("raw_ocr", "entities", "documents")}

    assert run_batch(instance, resources, ids).success
    assert run_batch(instance, resources, ids, selection=[AssetKey("extracted_entities")]).success

    after = {table: rows_per_document(warehouse, table) for table in ("raw_ocr", "entities", "documents")}
    assert after == before


def test_page_limit_and_size_limit_are_clear_failures(home, resources, instance):
    resources = {
        **resources,
        "ocr_engine": OcrEngineResource(max_pages=2),
        "document_store": DocumentStoreResource(uploads_uri=str(home / "uploads"), max_document_bytes=50_000),
    }
    long_document = text_pdf(*["page"] * 3)
    big_document = text_pdf(NOTICE) + b"%" + b"x" * 60_000
    ids = register(resources, instance, upload(home, {"long.pdf": long_document, "big.pdf": big_document}))

    result = run_batch(instance, resources, ids)

    assert not result.success
    errors = {row["filename"]: row["error"] for row in resources["warehouse"].query("SELECT * FROM documents")}
    assert errors["long.pdf"] == "PDF has 3 pages, over the limit of 2"
    assert "over the limit of 50,000 bytes" in errors["big.pdf"]
