"""The warehouse: a DuckDB file locally, MotherDuck in production.

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
from pathlib import Path
from typing import Any

import duckdb
from dagster import ConfigurableResource
from pydantic import Field

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    document_id VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    filename VARCHAR NOT NULL,
    source_uri VARCHAR NOT NULL,
    size_bytes BIGINT NOT NULL,
    page_count INTEGER,
    status VARCHAR NOT NULL,
    error VARCHAR,
    registered_at TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS raw_ocr (
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    confidence DOUBLE,
    ocr_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, page_number)
);
CREATE TABLE IF NOT EXISTS entities (
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    confidence DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    extracted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, page_number, start_char, end_char, label)
);
CREATE TABLE IF NOT EXISTS page_predictions (
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    model_version VARCHAR NOT NULL,
    entity_count INTEGER NOT NULL,
    uncertainty DOUBLE,
    predicted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, page_number)
);
CREATE TABLE IF NOT EXISTS entity_corrections (
    record_id VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    original_label VARCHAR,
    correction VARCHAR NOT NULL,
    annotator VARCHAR NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    response_status VARCHAR NOT NULL DEFAULT 'submitted',
    PRIMARY KEY (record_id, label, start_char, end_char)
);
CREATE TABLE IF NOT EXISTS annotated_pages (
    record_id VARCHAR PRIMARY KEY,
    document_id VARCHAR NOT NULL,
    page_number INTEGER NOT NULL,
    annotator VARCHAR NOT NULL,
    response_status VARCHAR NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    corrections INTEGER NOT NULL,
    rejected_spans VARCHAR NOT NULL,
    synced_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS registry_vessels (
    source VARCHAR NOT NULL,
    source_vessel_id VARCHAR NOT NULL,
    vessel_name VARCHAR,
    imo VARCHAR,
    mmsi VARCHAR,
    ircs VARCHAR,
    flag VARCHAR,
    registration_number VARCHAR,
    port VARCHAR,
    owner VARCHAR,
    vessel_type VARCHAR,
    gear_type VARCHAR,
    tonnage DOUBLE,
    length DOUBLE,
    build_year INTEGER,
    PRIMARY KEY (source, source_vessel_id)
);
"""


class WarehouseLockedError(RuntimeError):
    """Another process held the DuckDB file for longer than the configured patience."""


def _is_lock_conflict(error: duckdb.Error) -> bool:
    message = str(error)
    return "lock" in message.lower() and ("Conflicting" in message or "Could not set lock" in message)


class WarehouseResource(ConfigurableResource):
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

    def _open(self) -> duckdb.DuckDBPyConnection:
        config: dict[str, Any] = {}
        if self.is_motherduck:
            if self.motherduck_token:
                config["motherduck_token"] = self.motherduck_token
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

    def ensure_schema(self) -> None:
        with self.connect():
            pass

    def query(self, sql: str, parameters: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts. Values always go in as parameters, never by string formatting."""
        with self.connect() as connection:
            cursor = connection.execute(sql, list(parameters))
            columns = [column[0] for column in cursor.description or ()]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> None:
        with self.connect() as connection:
            connection.execute(sql, list(parameters))

    def replace_rows(
        self,
        table: str,
        key: Mapping[str, Any],
        rows: Sequence[Mapping[str, Any]],
        extra_statements: Sequence[tuple[str, Sequence[Any]]] = (),
    ) -> None:
        """Delete the rows matching ``key`` and insert ``rows``, in one transaction.

        ``extra_statements`` run inside the same transaction (e.g. a status update of the
        document), so either all of it lands or none of it does.
        """
        self.replace_many(table, [Replacement(key, rows, extra_statements)])

    def replace_many(self, table: str, replacements: Sequence["Replacement"]) -> None:
        """Several :meth:`replace_rows` over one connection, in one transaction: all land or none.

        One commit per batch rather than per document: each commit waits for the disk (fsync),
        which dominated large batches.
        """
        check_identifier(table)
        if not replacements:
            return
        with self.connect() as connection, _transaction(connection):
            for replacement in replacements:
                where = " AND ".join(f"{check_identifier(column)} = ?" for column in replacement.key)
                connection.execute(f"DELETE FROM {table} WHERE {where}", list(replacement.key.values()))
                _insert_many(connection, table, replacement.rows)
                for sql, parameters in replacement.extra_statements:
                    connection.execute(sql, list(parameters))

    def upsert_rows(self, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows, replacing rows with the same primary key."""
        with self.connect() as connection, _transaction(connection):
            _insert_many(connection, table, rows, or_replace=True)

    def execute_many(self, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
        """Statements in one transaction."""
        with self.connect() as connection, _transaction(connection):
            for sql, parameters in statements:
                connection.execute(sql, list(parameters))


@dataclass(frozen=True)
class Replacement:
    key: Mapping[str, Any]
    rows: Sequence[Mapping[str, Any]]
    extra_statements: Sequence[tuple[str, Sequence[Any]]] = ()


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
