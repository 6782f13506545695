"""The warehouse: a DuckDB file locally, MotherDuck in production.

Assets never write SQL: they call the operations below, each named by what it does to the tables
of DESIGN.md (``register_documents``, ``replace_document_pages``, ``pages_for_annotation``, ...).
Values always go in as parameters, never by string formatting.

DuckDB allows one writing process per file, so connections are short-lived (opened per unit of
work, never held across OCR or inference) and opening one waits out another process's lock for
``lock_timeout_s`` before failing with a clear error. Each document's rows are replaced in one
transaction, so a re-run never duplicates or half-writes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from pydantic import Field

from oceanid_dagster.defs.resources.warehouse_schema import SCHEMA

REGISTERED = "registered"
PROCESSED = "processed"
FAILED = "failed"

Statement = tuple[str, Sequence[Any]]

REGISTRY_GAZETTEER_COLUMNS = (
    "vessel_name, imo, mmsi, ircs, flag, registration_number, port, owner, vessel_type, gear_type"
)
IDENTIFIER_LABELS = ("IMO", "MMSI", "IRCS", "FLAG")
LINKED_IDENTIFIER_LABELS = ("IMO", "MMSI", "IRCS")

# Reviewed pages: every submitted response, including pages answered with no entities at all
# (they leave no entity_corrections rows but are gold "nothing here" examples).
_REVIEWED_PAGES_SQL = """
SELECT document_id, page_number, text FROM raw_ocr
WHERE (document_id, page_number) IN (
    SELECT document_id, page_number FROM annotated_pages WHERE response_status = 'submitted'
    UNION SELECT document_id, page_number FROM entity_corrections WHERE response_status <> 'discarded'
)
"""
_ANNOTATION_PAGES_SQL = """
SELECT o.document_id, o.page_number, o.text, d.filename, p.model_version, p.uncertainty
FROM raw_ocr o
JOIN documents d USING (document_id)
JOIN page_predictions p USING (document_id, page_number)
WHERE o.document_id IN (SELECT UNNEST(?)) AND d.status = ?
ORDER BY o.document_id, o.page_number
"""
_MISSING_PAGES_SQL = """
SELECT d.document_id, d.filename, d.page_count, count(o.page_number) AS pages_read
FROM documents d LEFT JOIN raw_ocr o USING (document_id)
WHERE d.document_id IN (SELECT UNNEST(?)) AND d.status <> 'failed' AND d.page_count IS NOT NULL
GROUP BY ALL
HAVING count(o.page_number) <> d.page_count OR min(o.page_number) <> 1 OR max(o.page_number) <> d.page_count
"""
_ENTITY_VESSEL_LINKS_SQL = """
CREATE OR REPLACE TABLE entity_vessel_links AS
WITH identifiers AS (
    SELECT document_id, page_number, start_char, end_char, label, text,
           upper(regexp_replace(text, '[^0-9A-Za-z]', '', 'g')) AS key
    FROM entities WHERE label IN ('IMO', 'MMSI', 'IRCS')
)
SELECT i.document_id, i.page_number, i.start_char, i.end_char, i.label, i.text,
       r.source, r.source_vessel_id, r.vessel_name, r.flag
FROM identifiers i
JOIN registry_vessels r ON (
       (i.label = 'IMO'  AND regexp_replace(i.key, '^IMO', '') = r.imo)
    OR (i.label = 'MMSI' AND i.key = r.mmsi)
    OR (i.label = 'IRCS' AND i.key = upper(regexp_replace(r.ircs, '[^0-9A-Za-z]', '', 'g'))))
"""


class WarehouseLockedError(RuntimeError):
    """Another process held the DuckDB file for longer than the configured patience."""


@dataclass(frozen=True)
class PageCorrections:
    """One annotated page as stored: its ``entity_corrections`` rows and its ``annotated_pages`` row."""

    record_id: str
    rows: Sequence[Mapping[str, Any]]
    annotated_page: Mapping[str, Any]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _is_lock_conflict(error: duckdb.Error) -> bool:
    message = str(error)
    return "lock" in message.lower() and ("Conflicting" in message or "Could not set lock" in message)


class WarehouseResource(dg.ConfigurableResource):
    """DuckDB (a file path) or MotherDuck (``md:<database>``) holding the tables of DESIGN.md."""

    database: str = Field(description="DuckDB file path, or 'md:<name>' for MotherDuck.")
    motherduck_token: str | None = Field(
        default=None, description="MotherDuck token (from EnvVar MOTHERDUCK_TOKEN); never logged."
    )
    lock_timeout_s: float = Field(
        default=300.0, description="How long to wait for another writer to release the DuckDB file."
    )

    @property
    def is_motherduck(self) -> bool:
        return self.database.startswith("md:")

    @property
    def display_name(self) -> str:
        return self.database if self.is_motherduck else Path(self.database).name

    # --- connections --------------------------------------------------------------------------

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.is_motherduck:
            config = {"motherduck_token": self.motherduck_token} if self.motherduck_token else {}
            return duckdb.connect(self.database, config=config)
        Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(self.database)

    def _open_waiting_for_lock(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout_s
        delay = 0.05
        while True:
            try:
                return self._open()
            except duckdb.Error as error:
                if not _is_lock_conflict(error):
                    raise
                if time.monotonic() >= deadline:
                    raise WarehouseLockedError(
                        f"warehouse {self.display_name} stayed locked by another process for "
                        f"{self.lock_timeout_s:.0f}s; retry when that writer has finished"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short-lived connection with the schema in place; closed on exit, releasing the lock.

        Read-only connections would not help: a DuckDB file locked for writing by one process
        cannot be opened at all by another.
        """
        connection = self._open_waiting_for_lock()
        try:
            connection.execute(SCHEMA)
            yield connection
        finally:
            connection.close()

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts: the read primitive behind the operations (and for tests and inspection)."""
        with self.connect() as connection:
            return _rows(connection.execute(sql, list(parameters)))

    def _write(self, statements: Sequence[Statement], inserts: Sequence[tuple[str, Sequence[Mapping]]] = ()) -> None:
        """Statements, then row inserts, in one transaction: all of it lands or none of it does.

        One commit per call rather than per document: each commit waits for the disk (fsync),
        which dominated large batches.
        """
        if not statements and not any(rows for _, rows in inserts):
            return
        with self.connect() as connection, _transaction(connection):
            for sql, parameters in statements:
                connection.execute(sql, list(parameters))
            for table, rows in inserts:
                _insert_many(connection, table, rows)

    def upsert_rows(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows, replacing rows with the same primary key (fixtures and benchmarks)."""
        with self.connect() as connection, _transaction(connection):
            _insert_many(connection, table, rows, or_replace=True)

    # --- documents ----------------------------------------------------------------------------

    def documents_by_id(self, document_ids: Sequence[str]) -> list[dict]:
        """The ``documents`` rows of these ids, in their order (unregistered ids are left out)."""
        if not document_ids:
            return []
        rows = self.query("SELECT * FROM documents WHERE document_id IN (SELECT UNNEST(?))", [list(document_ids)])
        by_id = {row["document_id"]: row for row in rows}
        return [by_id[document_id] for document_id in document_ids if document_id in by_id]

    def register_documents(self, rows: Sequence[Mapping[str, Any]]) -> list[str]:
        """Insert registration rows; a document id seen before (same bytes, any name) is left as it is.

        Returns the ids that were new.
        """
        unique = list({row["document_id"]: row for row in reversed(rows)}.values())[::-1]
        known = {row["document_id"] for row in self.documents_by_id([row["document_id"] for row in unique])}
        new_rows = [row for row in unique if row["document_id"] not in known]
        self._write([], [("documents", new_rows)])
        return [row["document_id"] for row in new_rows]

    def unchanged_sources(self, files: Mapping[str, tuple[int, float]]) -> set[str]:
        """Of these source URIs (with size and modification time), those registered since they last
        changed: their content is known without reading them again."""
        if not files:
            return set()
        rows = self.query(
            "SELECT source_uri, size_bytes, max(registered_at) AS registered_at FROM documents "
            "WHERE source_uri IN (SELECT UNNEST(?)) GROUP BY ALL",
            [list(files)],
        )
        unchanged = set()
        for row in rows:
            size, modified_at = files[row["source_uri"]]
            if row["size_bytes"] == size and row["registered_at"].timestamp() >= modified_at:
                unchanged.add(row["source_uri"])
        return unchanged

    def record_document_checks(self, page_counts: Mapping[str, int], failures: Mapping[str, str]) -> None:
        """Readable documents get their page count (and lose an earlier error); the others fail."""
        readable = [
            (
                "UPDATE documents SET page_count = ?, status = ?, error = NULL, processed_at = NULL "
                "WHERE document_id = ?",
                [pages, REGISTERED, document_id],
            )
            for document_id, pages in page_counts.items()
        ]
        self._write(readable + _failure_statements(failures))

    # --- raw_ocr ------------------------------------------------------------------------------

    def replace_document_pages(self, pages: Mapping[str, Sequence[Mapping]], failures: Mapping[str, str]) -> None:
        """Each document's ``raw_ocr`` rows replaced and its page count set; failed documents marked."""
        statements: list[Statement] = []
        for document_id, rows in pages.items():
            statements.append(("DELETE FROM raw_ocr WHERE document_id = ?", [document_id]))
            statements.append(("UPDATE documents SET page_count = ? WHERE document_id = ?", [len(rows), document_id]))
        all_rows = [row for rows in pages.values() for row in rows]
        self._write(statements + _failure_statements(failures), [("raw_ocr", all_rows)])

    def pages_of_documents(self, document_ids: Sequence[str]) -> list[dict]:
        """``raw_ocr`` pages (document_id, page_number, text), ordered by document and page."""
        return self.query(
            "SELECT document_id, page_number, text FROM raw_ocr WHERE document_id IN (SELECT UNNEST(?)) "
            "ORDER BY document_id, page_number",
            [list(document_ids)],
        )

    def documents_with_missing_pages(self, document_ids: Sequence[str]) -> list[dict]:
        """Read documents among these whose ``raw_ocr`` rows are not exactly pages 1..page_count."""
        return self.query(_MISSING_PAGES_SQL, [list(document_ids)])

    # --- entities -----------------------------------------------------------------------------

    def replace_document_entities(
        self,
        entities: Mapping[str, Sequence[Mapping]],
        predictions: Mapping[str, Sequence[Mapping]],
        failures: Mapping[str, str],
        processed_at: datetime,
    ) -> None:
        """Each document's entities and page predictions replaced and the document marked processed."""
        statements: list[Statement] = []
        for document_id in entities:
            statements.append(("DELETE FROM entities WHERE document_id = ?", [document_id]))
            statements.append(("DELETE FROM page_predictions WHERE document_id = ?", [document_id]))
            statements.append(
                (
                    "UPDATE documents SET status = ?, error = NULL, processed_at = ? WHERE document_id = ?",
                    [PROCESSED, processed_at, document_id],
                )
            )
        self._write(
            statements + _failure_statements(failures),
            [
                ("entities", [row for rows in entities.values() for row in rows]),
                ("page_predictions", [row for rows in predictions.values() for row in rows]),
            ],
        )

    def identifier_entities(self, document_ids: Sequence[str]) -> list[dict]:
        """IMO / MMSI / IRCS / FLAG entities of these documents."""
        return self.query(
            "SELECT document_id, page_number, label, text FROM entities "
            "WHERE document_id IN (SELECT UNNEST(?)) AND label IN (SELECT UNNEST(?))",
            [list(document_ids), list(IDENTIFIER_LABELS)],
        )

    def span_text_mismatches(
        self, table: str, shown_columns: Sequence[str], document_ids: Sequence[str] | None = None
    ) -> list[dict]:
        """Rows of a span table (``entities``, ``entity_corrections``) whose ``text`` is not
        ``raw_ocr.text[start_char:end_char]``, optionally of some documents only."""
        columns = ", ".join(f"s.{check_identifier(column)}" for column in shown_columns)
        scope = "" if document_ids is None else "AND s.document_id IN (SELECT UNNEST(?))"
        return self.query(
            f"""
            SELECT {columns}, substring(o.text, s.start_char + 1, s.end_char - s.start_char) AS page_text
            FROM {check_identifier(table)} s LEFT JOIN raw_ocr o USING (document_id, page_number)
            WHERE (o.text IS NULL OR substring(o.text, s.start_char + 1, s.end_char - s.start_char) <> s.text)
            {scope}
            """,
            [] if document_ids is None else [list(document_ids)],
        )

    # --- annotation ---------------------------------------------------------------------------

    def pages_for_annotation(self, document_ids: Sequence[str]) -> list[dict]:
        """Extracted pages of these processed documents, with filename, model version and uncertainty."""
        return self.query(_ANNOTATION_PAGES_SQL, [list(document_ids), PROCESSED])

    def entities_of_documents(self, document_ids: Sequence[str]) -> list[dict]:
        """The suggested spans of these documents (document_id, page_number, offsets, label, confidence)."""
        return self.query(
            "SELECT document_id, page_number, start_char, end_char, label, confidence "
            "FROM entities WHERE document_id IN (SELECT UNNEST(?))",
            [list(document_ids)],
        )

    def corrections_synced_through(self) -> datetime | None:
        """Time of the newest response the warehouse holds: where the next fetch starts."""
        return self.query("SELECT max(submitted_at) AS through FROM annotated_pages")[0]["through"]

    def annotated_page_times(self, record_ids: set[str]) -> dict[str, datetime]:
        """``submitted_at`` of the stored response of each of these records."""
        if not record_ids:
            return {}
        rows = self.query(
            "SELECT record_id, submitted_at FROM annotated_pages WHERE record_id IN (SELECT UNNEST(?))",
            [sorted(record_ids)],
        )
        return {row["record_id"]: row["submitted_at"] for row in rows}

    def replace_page_corrections(self, pages: Sequence[PageCorrections]) -> None:
        """Each page's correction rows and its ``annotated_pages`` row, replaced in one transaction."""
        statements: list[Statement] = []
        for page in pages:
            statements.append(("DELETE FROM entity_corrections WHERE record_id = ?", [page.record_id]))
            statements.append(("DELETE FROM annotated_pages WHERE record_id = ?", [page.record_id]))
        self._write(
            statements,
            [
                ("entity_corrections", [row for page in pages for row in page.rows]),
                ("annotated_pages", [page.annotated_page for page in pages]),
            ],
        )

    def pages_with_malformed_spans(self) -> list[dict]:
        """Annotated pages some of whose response spans were left out (record_id, annotator, rejected_spans)."""
        return self.query(
            "SELECT record_id, annotator, rejected_spans FROM annotated_pages "
            "WHERE rejected_spans <> '[]' ORDER BY record_id"
        )

    # --- training -----------------------------------------------------------------------------

    def reviewed_pages(self) -> list[dict]:
        """Pages people reviewed (submitted, including those with no entities): the gold pages."""
        return self.query(_REVIEWED_PAGES_SQL)

    def entity_corrections(self) -> list[dict]:
        return self.query("SELECT * FROM entity_corrections")

    # --- curated store ------------------------------------------------------------------------

    def extraction_snapshot(self) -> dict[str, list[dict]]:
        """Everything the curated store's ``stage`` keeps, as it stands now, table by table."""
        with self.connect() as connection:
            return {
                table: _rows(connection.execute(sql))
                for table, sql in (
                    ("documents", "SELECT * FROM documents ORDER BY document_id"),
                    ("pages", "SELECT * FROM raw_ocr ORDER BY document_id, page_number"),
                    ("predictions", "SELECT * FROM page_predictions"),
                    ("entities", "SELECT * FROM entities ORDER BY document_id, page_number, start_char, label"),
                    ("reviews", "SELECT * FROM annotated_pages"),
                    ("corrections", "SELECT * FROM entity_corrections"),
                )
            }

    # --- registry -----------------------------------------------------------------------------

    def registry_vessels(self) -> list[dict]:
        return self.query("SELECT * FROM registry_vessels")

    def registry_for_gazetteer(self) -> list[dict]:
        """Names and identifiers of every registry vessel, for the gazetteer."""
        return self.query(f"SELECT {REGISTRY_GAZETTEER_COLUMNS} FROM registry_vessels")

    def replace_registry(self, records_by_source: Mapping[str, Sequence[Mapping]]) -> None:
        """Each source's ``registry_vessels`` rows replaced, all sources in one transaction."""
        statements = [("DELETE FROM registry_vessels WHERE source = ?", [source]) for source in records_by_source]
        rows = [row for source in sorted(records_by_source) for row in records_by_source[source]]
        self._write(statements, [("registry_vessels", rows)])

    def registry_imos(self) -> list[dict]:
        return self.query("SELECT source, source_vessel_id, imo FROM registry_vessels WHERE imo IS NOT NULL")

    def rebuild_entity_vessel_links(self) -> list[dict]:
        """``entity_vessel_links``: every extracted IMO / MMSI / call sign joined to the registry vessels it names."""
        with self.connect() as connection:
            connection.execute(_ENTITY_VESSEL_LINKS_SQL)
            return _rows(
                connection.execute("SELECT * FROM entity_vessel_links ORDER BY document_id, page_number, start_char")
            )

    def linkable_identifier_count(self) -> int:
        return self.query(
            "SELECT count(*) AS n FROM entities WHERE label IN (SELECT UNNEST(?))", [list(LINKED_IDENTIFIER_LABELS)]
        )[0]["n"]


def _failure_statements(failures: Mapping[str, str]) -> list[Statement]:
    at = utc_now()
    sql = "UPDATE documents SET status = ?, error = ?, processed_at = ? WHERE document_id = ?"
    return [(sql, [FAILED, reason, at, document_id]) for document_id, reason in failures.items()]


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [column[0] for column in cursor.description or ()]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@contextmanager
def _transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[None]:
    connection.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def check_identifier(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a SQL identifier: {name!r}")
    return name


def _insert_many(
    connection: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    or_replace: bool = False,
) -> None:
    """One statement for all rows, each column passed as one list parameter and unnested.

    DuckDB's ``executemany`` runs one statement per row (about 2,000 rows/s); lists are bound
    once, so a page's entities cost one statement.
    """
    if not rows:
        return
    columns = [check_identifier(column) for column in rows[0]]
    verb = "INSERT OR REPLACE" if or_replace else "INSERT"
    unnested = ", ".join(f"UNNEST(?) AS {column}" for column in columns)
    connection.execute(
        f"{verb} INTO {check_identifier(table)} ({', '.join(columns)}) SELECT {unnested}",
        [[row[column] for row in rows] for column in columns],
    )
