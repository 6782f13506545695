"""The curated vessel store on PostgreSQL (local: started by `make dev`; production: ``DATABASE_URL``).

``stage`` keeps every distinct extraction outcome of every document (append-only, with provenance);
``curated`` holds the resolved vessels and their facts. The schema belongs to the migrations
(``oceanid_dagster/migrations``, `make db-migrate`); every operation here refuses a database that
is not at head. Values always go in as parameters. Errors name the URL with its password hidden.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import dagster as dg
from pydantic import Field

from oceanid_dagster.migrations.runner import head_revision, hide_password, redact_url

CURATED_TABLES = ("vessels", "vessel_identifiers", "disputed_identifiers", "vessel_attributes", "ports")
STAGE_TABLES = ("documents", "extraction_runs", "pages", "entities", "reviews", "corrections")

_RUN_COLUMNS = ("document_id", "fingerprint", "status", "error", "page_count", "extractor", "processed_at")
_PAGE_COLUMNS = ("page_number", "text", "text_sha256", "ocr_method", "ocr_engine", "confidence", "uncertainty")
STAGE_ENTITY_COLUMNS = (
    "page_number",
    "start_char",
    "end_char",
    "label",
    "text",
    "confidence",
    "source",
    "model_version",
)
_DOCUMENT_COLUMNS = ("document_id", "sha256", "filename", "source", "source_uri", "size_bytes", "registered_at")
_REVIEW_COLUMNS = (
    "record_id",
    "document_id",
    "page_number",
    "annotator",
    "response_status",
    "corrections",
    "submitted_at",
)
_CORRECTION_COLUMNS = (
    "record_id",
    "label",
    "start_char",
    "end_char",
    "document_id",
    "page_number",
    "text",
    "original_label",
    "correction",
    "annotator",
    "submitted_at",
)
_FACT_COLUMNS = {
    "vessel_identifiers": ("vessel_id", "scheme", "issuer", "value", "valid", "source_kind", "source_ref"),
    "disputed_identifiers": (
        "vessel_id",
        "held_by",
        "scheme",
        "issuer",
        "value",
        "valid",
        "source_kind",
        "source_ref",
    ),
    "vessel_attributes": (
        "vessel_id",
        "attribute",
        "value",
        "normalized",
        "port_id",
        "valid",
        "source_kind",
        "source_ref",
    ),
}

_LATEST_PAGE_ENTITIES_SQL = """
SELECT l.document_id, d.registered_at, e.page_number, e.start_char, e.end_char, e.label, e.text, e.source
FROM stage.v_latest_extractions l
JOIN stage.documents d USING (document_id)
JOIN stage.entities e ON e.extraction_id = l.extraction_id
WHERE l.status = 'processed'
ORDER BY l.document_id, e.page_number, e.start_char
"""
# Each page's latest submitted review, and the corrections submitted with it.
_LATEST_CORRECTIONS_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (document_id, page_number) record_id, document_id, page_number, submitted_at
    FROM stage.reviews WHERE response_status = 'submitted'
    ORDER BY document_id, page_number, submitted_at DESC
)
SELECT c.document_id, d.registered_at, c.page_number, c.start_char, c.end_char, c.label, c.text, c.correction
FROM latest l
JOIN stage.corrections c ON c.record_id = l.record_id AND c.submitted_at = l.submitted_at
JOIN stage.documents d ON d.document_id = c.document_id
ORDER BY c.document_id, c.page_number, c.start_char
"""
_UPSERT_VESSELS_SQL = """
INSERT INTO curated.vessels AS v (vessel_key, name, flag, imo, sources)
SELECT vessel_key, name, flag, imo, sources FROM incoming_vessels
ON CONFLICT (vessel_key) DO UPDATE
SET name = EXCLUDED.name, flag = EXCLUDED.flag, imo = EXCLUDED.imo, sources = EXCLUDED.sources, promoted_at = now()
WHERE (v.name, v.flag, v.imo, v.sources) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.flag, EXCLUDED.imo, EXCLUDED.sources)
"""
_UPSERT_PORT_SQL = """
INSERT INTO curated.ports (name, country, location)
VALUES (%s, %s, CASE WHEN %s::float8 IS NULL THEN NULL
                     ELSE ST_SetSRID(ST_MakePoint(%s::float8, %s::float8), 4326)::geography END)
ON CONFLICT (name, country) DO UPDATE SET location = EXCLUDED.location
RETURNING port_id
"""


LOCAL_DATABASE_URL = "postgresql://oceanid@127.0.0.1:5433/oceanid"


def curated_store_configured() -> bool:
    """``DATABASE_URL`` is set (production, or `make dev`, which starts the local server and sets it)."""
    return bool(os.environ.get("DATABASE_URL"))


class CuratedStoreError(RuntimeError):
    """The curated store cannot be used: unreachable, or not migrated to head."""


class PostgresResource(dg.ConfigurableResource):
    """PostgreSQL holding ``stage`` and ``curated``; ``url`` comes from ``DATABASE_URL`` in production."""

    url: str = Field(description="postgresql://user[:password]@host:port/database (DATABASE_URL).")
    connect_timeout_s: int = Field(default=10, description="Seconds to wait for a connection.")

    @property
    def display_url(self) -> str:
        return redact_url(self.url)

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        import psycopg
        from psycopg.rows import dict_row

        try:
            connection = psycopg.connect(self.url, connect_timeout=self.connect_timeout_s, row_factory=dict_row)
        except psycopg.OperationalError as error:
            raise CuratedStoreError(
                f"PostgreSQL at {self.display_url} is unreachable: {self._reason(error)}. Start the local one "
                "(`make dev` or `make db-migrate`) or set DATABASE_URL."
            ) from None
        with connection:
            yield connection

    def _reason(self, error: Exception) -> str:
        return hide_password((str(error).strip().splitlines() or [type(error).__name__])[0], self.url)

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict]:
        with self.connect() as connection:
            return connection.execute(sql, list(parameters)).fetchall()

    def schema_revision(self) -> str | None:
        """The migration the database is at (``None``: never migrated)."""
        with self.connect() as connection:
            if not connection.execute("SELECT to_regclass('public.alembic_version') AS t").fetchone()["t"]:
                return None
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            return row["version_num"] if row else None

    def require_current_schema(self) -> str:
        """The head revision, or a clear error when the database is behind (or ahead of) it."""
        head, current = head_revision(), self.schema_revision()
        if current != head:
            raise CuratedStoreError(
                f"PostgreSQL at {self.display_url} is at migration {current or 'none'}, this code needs {head}: "
                "run `make db-migrate` (or `oceanid db migrate`) against it"
            )
        return head

    # --- stage --------------------------------------------------------------------------------

    def known_fingerprints(self, fingerprints: Sequence[str]) -> set[str]:
        rows = self.query(
            "SELECT fingerprint FROM stage.extraction_runs WHERE fingerprint = ANY(%s)", [list(fingerprints)]
        )
        return {row["fingerprint"] for row in rows}

    def append_stage(
        self,
        documents: Sequence[Mapping],
        runs: Sequence[Mapping],
        reviews: Sequence[Mapping],
        corrections: Sequence[Mapping],
    ) -> dict[str, int]:
        """Documents, new extraction runs (each with its ``pages`` and ``entities``), reviews and
        corrections appended in one transaction; rows already there are left as they are."""
        added = dict.fromkeys(STAGE_TABLES, 0)
        with self.connect() as connection:
            added["documents"] = _insert_new(connection, "stage.documents", _DOCUMENT_COLUMNS, documents)
            for run in runs:
                created = connection.execute(
                    f"INSERT INTO stage.extraction_runs ({', '.join(_RUN_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(_RUN_COLUMNS))}) "
                    "ON CONFLICT (fingerprint) DO NOTHING RETURNING extraction_id",
                    [run[column] for column in _RUN_COLUMNS],
                ).fetchone()
                if created is None:
                    continue
                added["extraction_runs"] += 1
                extraction = {"extraction_id": created["extraction_id"]}
                added["pages"] += _copy(
                    connection, "stage.pages", ("extraction_id", *_PAGE_COLUMNS), run["pages"], extraction
                )
                added["entities"] += _copy(
                    connection, "stage.entities", ("extraction_id", *STAGE_ENTITY_COLUMNS), run["entities"], extraction
                )
            added["reviews"] = _insert_new(connection, "stage.reviews", _REVIEW_COLUMNS, reviews)
            added["corrections"] = _insert_new(connection, "stage.corrections", _CORRECTION_COLUMNS, corrections)
        return added

    def latest_page_entities(self) -> list[dict]:
        """The entities of every document's latest successful extraction, with its registration time."""
        return self.query(_LATEST_PAGE_ENTITIES_SQL)

    def latest_page_corrections(self) -> list[dict]:
        """For each reviewed page, the spans of its latest submitted review."""
        return self.query(_LATEST_CORRECTIONS_SQL)

    # --- curated ------------------------------------------------------------------------------

    def replace_curated(
        self,
        vessels: Sequence[Mapping],
        facts: Mapping[str, Sequence[Mapping]],
        ports: Sequence[Mapping],
    ) -> dict[str, int]:
        """The curated vessels and facts replaced in one transaction. A vessel keeps its
        ``vessel_id`` while its ``vessel_key`` stays; vessels no longer resolved are removed.
        Facts name their vessel by ``vessel_key`` (and ``held_by_key``), ports by ``port``."""
        with self.connect() as connection:
            connection.execute(
                "CREATE TEMP TABLE incoming_vessels (vessel_key text, name text, flag text, imo text, sources int) "
                "ON COMMIT DROP"
            )
            _copy(connection, "incoming_vessels", ("vessel_key", "name", "flag", "imo", "sources"), vessels)
            connection.execute(_UPSERT_VESSELS_SQL)
            connection.execute(
                "DELETE FROM curated.vessels WHERE vessel_key NOT IN (SELECT vessel_key FROM incoming_vessels)"
            )
            for table in _FACT_COLUMNS:
                connection.execute(f"DELETE FROM curated.{table}")
            port_ids = _upsert_ports(connection, ports)
            ids = {
                row["vessel_key"]: row["vessel_id"]
                for row in connection.execute("SELECT vessel_key, vessel_id FROM curated.vessels")
            }
            for table, rows in facts.items():
                resolved = [
                    {
                        **row,
                        "vessel_id": ids[row["vessel_key"]],
                        "held_by": ids.get(row.get("held_by_key")),
                        "port_id": port_ids.get(row.get("port")),
                        "valid": _range(row["valid"]),
                    }
                    for row in rows
                ]
                _copy(connection, f"curated.{table}", _FACT_COLUMNS[table], resolved)
            connection.execute(
                "DELETE FROM curated.ports p WHERE NOT EXISTS "
                "(SELECT 1 FROM curated.vessel_attributes a WHERE a.port_id = p.port_id)"
            )
        return self.table_counts("curated", CURATED_TABLES)

    def table_counts(self, schema: str, tables: Sequence[str]) -> dict[str, int]:
        with self.connect() as connection:
            return {
                table: connection.execute(f"SELECT count(*) AS n FROM {schema}.{table}").fetchone()["n"]
                for table in tables
            }

    # --- views --------------------------------------------------------------------------------

    def conflicts(self) -> list[dict]:
        return self.query(
            "SELECT kind, vessel_key, field, value, other_value, sources, other_sources, during::text AS during "
            "FROM curated.v_conflicts ORDER BY kind, vessel_key, field"
        )

    def documents_freshness(self) -> list[dict]:
        return self.query("SELECT * FROM stage.v_documents_freshness ORDER BY source")

    def review_queue(self, limit: int = 50) -> list[dict]:
        return self.query("SELECT * FROM stage.v_review_queue LIMIT %s", [limit])


def _range(validity):
    """A :class:`~oceanid_dagster.domain.vessel_records.Validity` as a ``tstzrange`` ``[start, end)``."""
    from psycopg.types.range import Range

    return Range(validity.start, validity.end, "[)")


def _insert_new(connection, table: str, columns: Sequence[str], rows: Sequence[Mapping]) -> int:
    if not rows:
        return 0
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[row[column] for column in columns] for row in rows])
        return max(cursor.rowcount, 0)


def _copy(connection, table: str, columns: Sequence[str], rows: Sequence[Mapping], extra: Mapping = {}) -> int:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([extra[column] if column in extra else row[column] for column in columns])
    return len(rows)


def _upsert_ports(connection, ports: Sequence[Mapping]) -> dict[str, int]:
    """Port name (as the facts spell it) -> port_id."""
    ids: dict[str, int] = {}
    for port in ports:
        longitude, latitude = port.get("longitude"), port.get("latitude")
        row = connection.execute(
            _UPSERT_PORT_SQL, [port["name"], port["country"], longitude, longitude, latitude]
        ).fetchone()
        for spelling in port["spellings"]:
            ids[spelling] = row["port_id"]
    return ids
