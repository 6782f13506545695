"""Dagster's own storage (PostgreSQL, or sqlite files) writing a run's batches of asset events in one
statement each.

A run over 1,000 document partitions plans ``ASSET_MATERIALIZATION_PLANNED`` events for 3,000
asset partitions as it is created, and each of its steps reports 1,000 materialisations. Dagster
hands these to ``store_event_batch`` (with ``DAGSTER_EVENT_BATCH_SIZE`` set), but the OSS storages
batch only materialisations and observations on PostgreSQL, and nothing on sqlite: every other
event is one insert into the event log plus one transaction on the asset index, each.

These subclasses write a batch of planned, materialisation or observation events of one run as Dagster's
PostgreSQL storage writes a batch of materialisations: one insert of every event row, their asset
tags, and each asset's index entry updated from its last event of the batch (the values it takes
depend only on that event). What is read back is what the stock storage stores
(``tests/test_dagster_storage.py`` compares them). Anything else goes to the stock code. The
subclasses call the storages' own private helpers of the pinned dagster (1.13.27); that test is
what says whether they still hold after an upgrade.

Configured in ``dagster.yaml`` as a ``custom`` storage (:func:`oceanid_dagster.settings.postgres_instance_storage`).
"""

from __future__ import annotations

from collections.abc import Sequence

from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from dagster_postgres.event_log import PostgresEventLogStorage
from dagster_postgres.storage import DagsterPostgresStorage
from dagster_postgres.utils import get_token_provider_from_config, pg_url_from_config

BATCHED_TYPES = frozenset(
    {
        DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
        DagsterEventType.ASSET_MATERIALIZATION,
        DagsterEventType.ASSET_OBSERVATION,
    }
)


def writes_as_one(events: Sequence[EventLogEntry]) -> bool:
    """A batch of one run's asset events of the kinds written here, each naming its asset."""
    return (
        len(events) > 1
        and len({event.run_id for event in events}) == 1
        and all(
            event.is_dagster_event
            and event.get_dagster_event().event_type in BATCHED_TYPES
            and event.get_dagster_event().asset_key is not None
            for event in events
        )
    )


def last_event_per_asset(events: Sequence[EventLogEntry], event_ids: Sequence[int]) -> list[tuple]:
    """(event, id) of each asset's last event in the batch: what its index entry ends up holding."""
    last = {event.get_dagster_event().asset_key: (event, event_id) for event, event_id in zip(events, event_ids)}
    return list(last.values())


class BatchedAssetEventWrites:
    """``store_event_batch`` for a SQL event log storage: one insert of the events (``_insert_events``),
    then the asset index (tags and entries) in one transaction."""

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not writes_as_one(events):
            return super().store_event_batch(events)  # type: ignore[misc]
        insert = self.prepare_insert_event_batch(events)  # type: ignore[attr-defined]
        event_ids = self._insert_events(insert, events[0].run_id)
        with self.index_transaction() as conn:  # type: ignore[attr-defined]
            self._store_asset_event_tags(conn, events, event_ids)  # type: ignore[attr-defined]
            for event, event_id in last_event_per_asset(events, event_ids):
                self._store_asset_event(conn, event, event_id)  # type: ignore[attr-defined]

    def _insert_events(self, insert, run_id: str) -> list[int]:
        with self._connect() as conn:  # type: ignore[attr-defined]
            result = conn.execute(insert.returning(SqlEventLogStorageTable.c.id))
            return [int(row[0]) for row in result.fetchall()]


class BatchedSqliteEventLogStorage(BatchedAssetEventWrites, SqliteEventLogStorage):
    """sqlite keeps each run's events in the run's own file and mirrors asset events into the index
    file (with the index's own ids, which asset queries use)."""

    def _insert_events(self, insert, run_id: str) -> list[int]:
        with self.run_connection(run_id) as conn:
            conn.execute(insert)
        with self.index_transaction() as conn:
            return [int(row[0]) for row in conn.execute(insert.returning(SqlEventLogStorageTable.c.id)).fetchall()]


class BatchedSqliteStorage(DagsterSqliteStorage):
    """Dagster's sqlite storage (``base_dir`` as ``storage: sqlite:``), events batched."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._event_log_storage = BatchedSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchedSqliteStorage:
        return cls(inst_data=inst_data, **config_value)


class BatchedPostgresEventLogStorage(BatchedAssetEventWrites, PostgresEventLogStorage):
    pass


class BatchedPostgresStorage(DagsterPostgresStorage):
    """Dagster's PostgreSQL storage (the same config as ``storage: postgres:``), events batched."""

    def __init__(self, postgres_url: str, should_autocreate_tables: bool = True, inst_data=None, token_provider=None):
        super().__init__(postgres_url, should_autocreate_tables, inst_data, token_provider)
        self._event_log_storage = BatchedPostgresEventLogStorage(
            postgres_url, should_autocreate_tables, token_provider=token_provider
        )

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> BatchedPostgresStorage:
        return cls(
            pg_url_from_config(config_value),
            config_value.get("should_autocreate_tables", True),
            inst_data,
            get_token_provider_from_config(config_value),
        )
