"""Promotion into the curated store against a real PostgreSQL: registry + extracted + corrected
entities become vessels with sourced, time-ranged facts; conflicts, the three views, idempotence,
history kept across re-OCR, and clear failures."""

import hashlib
from datetime import UTC, date, datetime

import dagster as dg
import psycopg
import pytest

from devtools.services import free_port
from oceanid_dagster.defs.assets.curated_vessels import curated_vessels, curated_vessels_agree
from oceanid_dagster.defs.assets.staged_extractions import staged_extractions
from oceanid_dagster.defs.resources.postgres import CuratedStoreError, PostgresResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource

REGISTERED = datetime(2025, 8, 27, 9, 0, tzinfo=UTC)
PROCESSED = datetime(2025, 8, 27, 9, 5, tzinfo=UTC)


def registry_row(source, vessel_id, name, **fields):
    row = dict.fromkeys(
        ("mmsi", "ircs", "imo", "flag", "registration_number", "port", "owner", "vessel_type", "gear_type"), None
    )
    row.update(tonnage=None, length=None, build_year=None, authorised_from=None, authorised_to=None)
    row.update(source=source, source_vessel_id=vessel_id, vessel_name=name, listed_on=date(2025, 8, 26))
    return {**row, **fields}


REGISTRY = {
    "CCSBT": [
        registry_row(
            "CCSBT", "CV4748", "TAISEI MARU NO.24", imo="9086758", ircs="JILE", flag="Japan",
            authorised_from=date(2025, 8, 22), authorised_to=date(2026, 8, 21),
        ),
    ],
    "NPFC": [registry_row("NPFC", "1995", "TAISEI MARU NO 24", imo="9086758", flag="Japan", port="ZHOU SHAN")],
    "SPRFMO": [
        registry_row(
            "SPRFMO", "8907008", "FREY", imo="8907008", ircs="YJRN7", flag="VUT", port="Port Vila",
            authorised_from=date(2025, 1, 1), authorised_to=date(2025, 12, 31),
        ),
        registry_row(
            "SPRFMO", "8907113", "FRIGG", imo="8907113", ircs="YJRN7", flag="VUT",
            authorised_from=date(2025, 6, 1), authorised_to=date(2025, 12, 31),
        ),
    ],
    "NEAFC": [
        registry_row(
            "NEAFC", "XPSI", "STIMUL", imo="8907008", flag="VUT",
            authorised_from=date(2025, 5, 27), authorised_to=date(2025, 12, 31),
        ),
        # its IMO fails the check digit: left out and counted, the vessel kept by its name
        registry_row("NEAFC", "BAD", "NO IDENTITY", imo="1234568", flag="VUT"),
    ],
}  # fmt: skip

PAGE_A = "Vessel: Taisei Maru No. 24  IMO 9086758  Flag: Japan\nVessel: OCEAN PEARL  Flag: Canada\n"
PAGE_B = "Name AQVIQ MISREAD call sign VOLT\n"


def spans(document_id, page_text, found, source, model_version="rules-1"):
    rows = []
    for label, text in found:
        start = page_text.index(text)
        rows.append(
            {
                "document_id": document_id, "page_number": 1, "start_char": start, "end_char": start + len(text),
                "label": label, "text": text, "confidence": 0.9, "source": source, "model_version": model_version,
                "extracted_at": PROCESSED,
            }
        )  # fmt: skip
    return rows


def document(document_id, status, error=None, pages=1):
    return {
        "document_id": document_id, "sha256": hashlib.sha256(document_id.encode()).hexdigest(),
        "filename": f"{document_id}.pdf", "source_uri": f"/uploads/{document_id}.pdf", "size_bytes": 100,
        "page_count": pages, "status": status, "error": error, "registered_at": REGISTERED,
        "processed_at": PROCESSED if status != "registered" else None,
    }  # fmt: skip


def page(document_id, text):
    return {
        "document_id": document_id, "page_number": 1, "text": text, "method": "text_layer", "confidence": None,
        "engine": "pypdfium2 5", "ocr_at": PROCESSED,
    }  # fmt: skip


def prediction(document_id, uncertainty, model_version):
    return {
        "document_id": document_id, "page_number": 1, "model_version": model_version, "entity_count": 2,
        "uncertainty": uncertainty, "predicted_at": PROCESSED,
    }  # fmt: skip


def correction(label, text, kind, original_label=None):
    start = PAGE_B.index(text)
    return {
        "record_id": "rec-b1", "label": label, "start_char": start, "end_char": start + len(text),
        "document_id": DOC_B, "page_number": 1, "text": text, "original_label": original_label,
        "correction": kind, "annotator": "annotator", "submitted_at": PROCESSED, "response_status": "submitted",
    }  # fmt: skip


DOC_A, DOC_B, DOC_C, DOC_D = "a" * 16, "b" * 16, "c" * 16, "d" * 16


@pytest.fixture
def warehouse(tmp_path) -> WarehouseResource:
    warehouse = WarehouseResource(database=str(tmp_path / "warehouse.duckdb"))
    warehouse.replace_registry(REGISTRY)
    warehouse.upsert_rows(
        "documents",
        [document(DOC_A, "processed"), document(DOC_B, "processed"), document(DOC_C, "failed", "encrypted PDF")]
        + [document(DOC_D, "registered")],
    )
    warehouse.upsert_rows("raw_ocr", [page(DOC_A, PAGE_A), page(DOC_B, PAGE_B)])
    found_a = [("VESSEL_NAME", "Taisei Maru No. 24"), ("IMO", "9086758"), ("FLAG", "Japan")]
    found_a += [("VESSEL_NAME", "OCEAN PEARL"), ("FLAG", "Canada")]
    warehouse.upsert_rows(
        "entities",
        spans(DOC_A, PAGE_A, found_a, "rules")
        + spans(DOC_B, PAGE_B, [("VESSEL_NAME", "AQVIQ MISREAD"), ("IRCS", "VOLT")], "model", "release-1"),
    )
    warehouse.upsert_rows("page_predictions", [prediction(DOC_A, 0.4, "rules-1"), prediction(DOC_B, 0.9, "release-1")])
    warehouse.upsert_rows(
        "entity_corrections",
        [correction("VESSEL_NAME", "AQVIQ", "modify", "VESSEL_NAME"), correction("IRCS", "VOLT", "accept", "IRCS")]
        + [correction("VESSEL_NAME", "AQVIQ MISREAD", "reject", "VESSEL_NAME")],
    )
    warehouse.upsert_rows(
        "annotated_pages",
        [
            {
                "record_id": "rec-b1", "document_id": DOC_B, "page_number": 1, "annotator": "annotator",
                "response_status": "submitted", "submitted_at": PROCESSED, "corrections": 3, "rejected_spans": "[]",
                "synced_at": PROCESSED,
            }
        ],
    )  # fmt: skip
    return warehouse


def promote(warehouse, url, raise_on_error=True) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [staged_extractions, curated_vessels, curated_vessels_agree],
        resources={"warehouse": warehouse, "postgres": PostgresResource(url=url)},
        raise_on_error=raise_on_error,
    )


def rows(url, sql, parameters=()):
    with psycopg.connect(url) as connection:
        return connection.execute(sql, parameters).fetchall()


def vessels(url) -> dict[str, tuple]:
    return {key: (vessel_id, name, flag, sources) for key, vessel_id, name, flag, sources in rows(
        url, "SELECT vessel_key, vessel_id, name, flag, sources FROM curated.vessels"
    )}  # fmt: skip


def test_registry_extracted_and_corrected_entities_become_vessels(warehouse, migrated_postgres_url):
    url = migrated_postgres_url
    result = promote(warehouse, url)
    found = vessels(url)
    assert set(found) == {
        "IMO:9086758", "IMO:8907008", "IMO:8907113", "NAME:CAN:OCEAN PEARL", "IRCS:VOLT", "NAME:VUT:NO IDENTITY"
    }  # fmt: skip
    # two registries and the document's mention of it
    assert found["IMO:9086758"][1:] == ("TAISEI MARU NO.24", "JPN", 3)
    # the reviewer's correction replaces the model's misread name
    assert found["IRCS:VOLT"][1] == "AQVIQ"
    kinds = rows(
        url,
        "SELECT DISTINCT a.source_kind, a.value FROM curated.vessel_attributes a JOIN curated.vessels v "
        "USING (vessel_id) WHERE v.vessel_key = 'IRCS:VOLT'",
    )
    assert kinds == [("correction", "AQVIQ")]
    # the port as a PostGIS point, from the gazetteer
    (name, latitude), *_ = rows(url, "SELECT name, ST_Y(location::geometry) FROM curated.ports WHERE name = 'Zhoushan'")
    assert latitude == pytest.approx(29.99, abs=0.05)
    metadata = result.asset_materializations_for_node("curated_vessels")[0].metadata
    assert metadata["dagster/row_count"].value == 6 and metadata["skipped"].value == 1


def test_conflicts_are_rows_in_the_view_and_a_warning_check(warehouse, migrated_postgres_url):
    result = promote(warehouse, migrated_postgres_url)
    conflicts = rows(
        migrated_postgres_url, "SELECT kind, vessel_key, field, value, other_value FROM curated.v_conflicts"
    )
    assert sorted(conflicts) == [
        ("attribute_disagrees", "IMO:8907008", "name", "FREY", "STIMUL"),  # one IMO, two names, same period
        ("identifier_disputed", "IMO:8907113", "IRCS", "YJRN7", "YJRN7"),  # a call sign held by another vessel
    ]
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["conflicts"].value == 2


def test_identifiers_belong_to_one_vessel_at_a_time(warehouse, migrated_postgres_url):
    promote(warehouse, migrated_postgres_url)
    with pytest.raises(psycopg.errors.ExclusionViolation), psycopg.connect(migrated_postgres_url) as connection:
        connection.execute(
            "INSERT INTO curated.vessel_identifiers (vessel_id, scheme, value, valid, source_kind, source_ref) "
            "SELECT vessel_id, 'IRCS', 'YJRN7', tstzrange('2025-07-01', '2025-07-02'), 'model', 'test' "
            "FROM curated.vessels WHERE vessel_key = 'IMO:8907113'"
        )


def test_promoting_again_changes_nothing(warehouse, migrated_postgres_url):
    url = migrated_postgres_url
    promote(warehouse, url)
    count_sql = (
        "SELECT (SELECT count(*) FROM stage.extraction_runs), (SELECT count(*) FROM stage.pages), "
        "(SELECT count(*) FROM stage.corrections), (SELECT count(*) FROM curated.vessel_attributes), "
        "(SELECT count(*) FROM curated.vessel_identifiers), (SELECT max(promoted_at) FROM curated.vessels)"
    )
    before, first_vessels = rows(url, count_sql), vessels(url)
    second = promote(warehouse, url)
    assert rows(url, count_sql) == before
    assert vessels(url) == first_vessels, "same vessel ids, same values"
    added = second.asset_materializations_for_node("staged_extractions")[0].metadata["added"].value
    assert added == dict.fromkeys(added, 0)


def test_re_ocr_appends_history_and_the_views_follow(warehouse, migrated_postgres_url):
    url = migrated_postgres_url
    promote(warehouse, url)
    reread = PAGE_A.replace("OCEAN PEARL", "OCEAN PEARL II")
    warehouse.upsert_rows("raw_ocr", [page(DOC_A, reread)])
    promote(warehouse, url)
    texts = rows(
        url,
        "SELECT p.text FROM stage.pages p JOIN stage.extraction_runs r USING (extraction_id) "
        "WHERE r.document_id = %s ORDER BY r.staged_at",
        [DOC_A],
    )
    assert [text for (text,) in texts] == [PAGE_A, reread], "the earlier reading is kept"
    freshness = rows(
        url, "SELECT source, documents, waiting, failures, lag > interval '0' FROM stage.v_documents_freshness"
    )
    assert freshness == [("/uploads", 4, 1, 1, True)]
    queue = rows(url, "SELECT document_id, page_number, uncertainty FROM stage.v_review_queue")
    assert queue == [(DOC_A, 1, pytest.approx(0.4))], "the reviewed page is not waiting"


def test_an_unreachable_database_fails_naming_the_url_never_the_password(warehouse):
    url = f"postgresql://oceanid:s3cret-pw@127.0.0.1:{free_port()}/oceanid"
    result = promote(warehouse, url, raise_on_error=False)
    assert not result.success
    (failure,) = [event for event in result.all_events if event.is_step_failure]
    message = failure.step_failure_data.error.to_string()
    assert "oceanid:***@127.0.0.1" in message and "s3cret-pw" not in message and "make db-migrate" in message


def test_a_database_behind_the_migrations_is_refused(warehouse, postgres_url):
    with pytest.raises(CuratedStoreError, match="make db-migrate"):
        PostgresResource(url=postgres_url).require_current_schema()
