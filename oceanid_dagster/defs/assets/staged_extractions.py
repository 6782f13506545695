"""``staged_extractions``: the warehouse's documents, pages, entities and reviews appended to the
curated store's ``stage`` schema. Each distinct outcome of reading a document is kept with its
provenance (OCR method and engine, extractor release, page text sha256), so re-reading a page adds
history instead of overwriting it; promoting an unchanged warehouse adds nothing."""

import hashlib
import json
from collections import defaultdict

import dagster as dg

from oceanid_dagster.defs.assets.argilla_corrections import argilla_corrections
from oceanid_dagster.defs.assets.extracted_entities import extracted_entities
from oceanid_dagster.defs.automation import CURATED_PROMOTION
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.postgres import STAGE_ENTITY_COLUMNS, PostgresResource, curated_store_configured
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.defs.versions import source_version

STAGED_STATUSES = ("processed", "failed")

EXTRACTION_RUNS_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("extraction_id", "uuid", description="one distinct outcome of reading a document"),
        dg.TableColumn("document_id", "text", description="first 16 hex of the file's sha256"),
        dg.TableColumn("fingerprint", "text", description="sha256 of the outcome: the same outcome is one row"),
        dg.TableColumn("status", "text", description="processed / failed"),
        dg.TableColumn("error", "text", description="why it failed"),
        dg.TableColumn("page_count", "integer"),
        dg.TableColumn("extractor", "text", description="rules version or model release that extracted it"),
        dg.TableColumn("processed_at", "timestamptz"),
        dg.TableColumn("staged_at", "timestamptz"),
    ]
)


def document_source(source_uri: str) -> str:
    """The upload location a file came from: its folder, or its bucket prefix."""
    return source_uri.rsplit("/", 1)[0] if "/" in source_uri else source_uri


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def extraction_runs(snapshot: dict[str, list[dict]]) -> list[dict]:
    """One run per read (processed or failed) document, fingerprinted by what it produced."""
    pages, entities, predictions = defaultdict(list), defaultdict(list), {}
    for page in snapshot["pages"]:
        pages[page["document_id"]].append(page)
    for entity in snapshot["entities"]:
        entities[entity["document_id"]].append(entity)
    for prediction in snapshot["predictions"]:
        predictions[(prediction["document_id"], prediction["page_number"])] = prediction
    return [
        _run(document, pages[document["document_id"]], entities[document["document_id"]], predictions)
        for document in snapshot["documents"]
        if document["status"] in STAGED_STATUSES
    ]


def _run(document: dict, pages: list[dict], entities: list[dict], predictions: dict) -> dict:
    document_id = document["document_id"]
    failed = document["status"] == "failed"
    page_rows = (
        [] if failed else [_page_row(page, predictions.get((document_id, page["page_number"]))) for page in pages]
    )
    entity_rows = [] if failed else [{column: entity[column] for column in STAGE_ENTITY_COLUMNS} for entity in entities]
    extractors = sorted({row["model_version"] for row in entity_rows} | {p["extractor"] for p in page_rows} - {None})
    outcome = {
        "document_id": document_id,
        "status": document["status"],
        "error": document["error"] if failed else None,
        "pages": [[p["page_number"], p["text_sha256"], p["ocr_method"], p["ocr_engine"]] for p in page_rows],
        "entities": [[e[column] for column in STAGE_ENTITY_COLUMNS if column != "confidence"] for e in entity_rows],
    }
    return {
        "document_id": document_id,
        "fingerprint": _sha256(json.dumps(outcome, sort_keys=True, default=str)),
        "status": document["status"],
        "error": (document["error"] or "failed") if failed else None,
        "page_count": document["page_count"],
        "extractor": ", ".join(extractors) or None,
        "processed_at": document["processed_at"],
        "pages": page_rows,
        "entities": entity_rows,
    }


def _page_row(page: dict, prediction: dict | None) -> dict:
    return {
        "page_number": page["page_number"],
        "text": page["text"],
        "text_sha256": _sha256(page["text"]),
        "ocr_method": page["method"],
        "ocr_engine": page.get("engine"),
        "confidence": page["confidence"],
        "uncertainty": prediction["uncertainty"] if prediction else None,
        "extractor": prediction["model_version"] if prediction else None,
    }


def staged_documents(snapshot: dict[str, list[dict]]) -> list[dict]:
    return [{**document, "source": document_source(document["source_uri"])} for document in snapshot["documents"]]


@dg.asset(
    deps=[extracted_entities, argilla_corrections],
    group_name="curated",
    kinds={"postgres"},
    code_version=source_version("defs/assets/staged_extractions.py", "defs/resources/postgres.py"),
    automation_condition=CURATED_PROMOTION if curated_store_configured() else None,
    metadata={"dagster/column_schema": EXTRACTION_RUNS_SCHEMA, "dagster/table_name": "stage.extraction_runs"},
    description="Documents, pages, entities, reviews and corrections appended to PostgreSQL stage.*: history "
    "with provenance, kept when pages are re-read. Hourly where DATABASE_URL is set.",
)
def staged_extractions(warehouse: WarehouseResource, postgres: PostgresResource) -> dg.MaterializeResult:
    postgres.require_current_schema()
    snapshot = warehouse.extraction_snapshot()
    runs = extraction_runs(snapshot)
    known = postgres.known_fingerprints([run["fingerprint"] for run in runs])
    new_runs = [run for run in runs if run["fingerprint"] not in known]
    added = postgres.append_stage(staged_documents(snapshot), new_runs, snapshot["reviews"], snapshot["corrections"])
    totals = postgres.table_counts("stage", list(added))
    freshness = postgres.documents_freshness()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": totals["extraction_runs"],
            "added": dg.MetadataValue.json(added),
            "unchanged_documents": len(runs) - len(new_runs),
            "totals": dg.MetadataValue.json(totals),
            "database": postgres.display_url,
            "freshness": dg.MetadataValue.md(
                markdown_table(
                    freshness, ["source", "documents", "last_upload", "last_processed", "waiting", "failures", "lag"]
                )
            ),
            "review_queue": dg.MetadataValue.md(
                markdown_table(
                    postgres.review_queue(20), ["document_id", "page_number", "filename", "uncertainty", "entities"]
                )
            ),
        }
    )
