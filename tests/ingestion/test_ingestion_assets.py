"""documents → raw_ocr → extracted_entities over a batch, with dagster.materialize and real DuckDB."""

from __future__ import annotations

from dagster import AssetKey

from oceanid_dagster.defs.resources.document_store import DocumentStoreResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource
from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.defs.resources.registry_lists import PACKAGED_SAMPLE
from oceanid_dagster.domain.documents import document_id
from tests.faults.conftest import step_failure_text
from tests.ingestion.helpers import register, rows_per_document, run_batch, upload
from tests.ingestion.test_upload_sensor import evaluate, register_handed
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
    assert metadata["gazetteer"].value == PACKAGED_SAMPLE, "the local stand-in for the registry is named"


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


class OcrLosingPageTwo(OcrEngineResource):
    """An OCR engine with a bug: page 2 of every document goes missing."""

    def read_many(self, documents):
        for key, pages in super().read_many(documents):
            yield key, pages if isinstance(pages, Exception) else [page for page in pages if page.page_number != 2]


def test_pages_missing_from_raw_ocr_block_extraction_of_that_run(home, resources, instance):
    ids = register(resources, instance, upload(home, {"three-pages.pdf": text_pdf(AUTHORISATION, "page 2", "page 3")}))

    result = run_batch(instance, {**resources, "ocr_engine": OcrLosingPageTwo()}, ids)

    assert not result.success
    [check] = result.get_asset_check_evaluations()
    assert (check.check_name, check.passed) == ("every_page_has_text", False)
    assert check.metadata["documents_with_missing_pages"].value == 1
    started = {event.step_key for event in result.all_events if event.event_type_value == "STEP_START"}
    assert "raw_ocr" in started and "extracted_entities" not in started, "bad pages do not travel on"
    assert resources["warehouse"].query("SELECT * FROM entities") == []


def test_ingestion_checks_look_at_the_run_s_documents_only(home, resources, instance):
    first = register(resources, instance, upload(home, {"a.pdf": text_pdf(AUTHORISATION, "Page 2")}))
    assert run_batch(instance, resources, first).success
    with resources["warehouse"].connect() as connection:  # an earlier document damaged since, by hand
        connection.execute("DELETE FROM raw_ocr WHERE document_id = ? AND page_number = 2", [first[0]])
        connection.execute("UPDATE entities SET text = 'tampered' WHERE document_id = ?", [first[0]])

    second = register(resources, instance, upload(home, {"b.pdf": text_pdf(NOTICE)}))
    result = run_batch(instance, resources, second)

    assert result.success, "another document's damage does not fail this batch"
    checks = {evaluation.check_name: evaluation for evaluation in result.get_asset_check_evaluations()}
    assert checks["every_page_has_text"].metadata["documents_checked"].value == 1
    again = run_batch(instance, resources, first, selection=[AssetKey("extracted_entities")])
    assert again.success, "re-extracting the damaged document rewrites its entities from its pages"


def test_a_file_replaced_after_registration_fails_its_document_and_returns_as_a_new_one(home, resources, instance):
    [path] = upload(home, {"notice.pdf": text_pdf(NOTICE)})
    [original] = register(resources, instance, [path])
    assert run_batch(instance, resources, [original], selection=[AssetKey("documents")]).success
    path.write_bytes(text_pdf(AUTHORISATION))  # replaced under the same name before raw_ocr reads it

    result = run_batch(instance, resources, [original], selection=[AssetKey("raw_ocr"), AssetKey("extracted_entities")])

    assert not result.success
    [row] = resources["warehouse"].documents_by_id([original])
    assert row["status"] == "failed" and "changed after it was registered" in row["error"]
    assert resources["warehouse"].query("SELECT * FROM raw_ocr") == [], "no other content stored under the old id"
    found, _ = evaluate(instance, resources)
    assert register_handed(instance, resources, found.run_requests[0]).success
    assert instance.get_dynamic_partitions("documents") == [original, document_id(path.read_bytes())]


class RulesFailingOnOnePage(NerRuntimeResource):
    """The project's extractor (the rules, in their processes) with one fault added: a page holding
    ``FAULTY_MARKER`` raises, as a bug in an extractor would on a page it cannot handle."""

    def load_extractor(self, gazetteer=None, rules=None):
        return FailingOnMarker(super().load_extractor(gazetteer, rules))


FAULTY_MARKER = "PAGE THE EXTRACTOR CANNOT READ"


class FailingOnMarker:
    def __init__(self, inner) -> None:
        self.inner, self.source, self.version = inner, inner.source, inner.version

    def extract_pages(self, texts):
        if any(FAULTY_MARKER in text for text in texts):
            raise RuntimeError("extractor bug on a page")
        return self.inner.extract_pages(texts)


def test_an_extractor_failing_on_one_document_fails_it_alone(home, resources, instance):
    """Pages are read a chunk of documents at a time; a chunk that fails is read again document by
    document, so the others of the chunk keep their entities and only the faulty one fails, by name."""
    pdfs = {
        "authorisation.pdf": text_pdf(AUTHORISATION),
        "faulty.pdf": text_pdf(FAULTY_MARKER),
        "notice.pdf": text_pdf(NOTICE),
    }
    ids = register(resources, instance, upload(home, pdfs))
    ner_runtime = resources["ner_runtime"]
    faulty_runtime = RulesFailingOnOnePage(
        models_cache_dir=ner_runtime.models_cache_dir, model_hub=ner_runtime.model_hub, triton=ner_runtime.triton
    )

    result = run_batch(instance, {**resources, "ner_runtime": faulty_runtime}, ids)

    assert not result.success
    warehouse = resources["warehouse"]
    statuses = {row["document_id"]: row["status"] for row in warehouse.query("SELECT * FROM documents")}
    faulty = document_id(pdfs["faulty.pdf"])
    assert statuses == {**dict.fromkeys(ids, "processed"), faulty: "failed"}
    assert rows_per_document(warehouse, "entities").keys() == set(ids) - {faulty}
    message = step_failure_text(result)
    assert "1 of 3 documents failed" in message and "faulty.pdf" in message and "extractor bug on a page" in message
