"""Where things live on one machine. ``OCEANID_HOME`` (default ``./data``) holds the local defaults."""

from __future__ import annotations

import os
from pathlib import Path


def oceanid_home() -> Path:
    return Path(os.environ.get("OCEANID_HOME", "data")).absolute()


def uploads_dir() -> Path:
    return oceanid_home() / "uploads"


def warehouse_path() -> Path:
    return oceanid_home() / "oceanid.duckdb"


def hub_dir() -> Path:
    """The folder standing in for the Hugging Face Hub (``OCEANID_HUB_DIR``, default under the home)."""
    return Path(os.environ.get("OCEANID_HUB_DIR") or oceanid_home() / "hub").absolute()


def reference_pages_dir() -> Path:
    """The rules' development pages every release is also scored on, for the record
    (``OCEANID_REFERENCE_PAGES``: a folder of ``<name>.txt`` + ``<name>.ann``; default the packaged
    hand-written pages)."""
    from oceanid_dagster.training.reference import REFERENCE_DIR

    return Path(os.environ.get("OCEANID_REFERENCE_PAGES") or REFERENCE_DIR)


def validation_pages_dir() -> Path:
    """The pages a release must be no worse on than what ships, and on which the combination of model
    and rules is chosen (``OCEANID_VALIDATION_PAGES``, same format; default the packaged ones)."""
    from oceanid_dagster.training.reference import VALIDATION_DIR

    return Path(os.environ.get("OCEANID_VALIDATION_PAGES") or VALIDATION_DIR)


def artifacts_uri() -> str:
    """Where training artifacts go between steps: ``OCEANID_ARTIFACTS_URI`` (a folder or
    ``s3://bucket/prefix``), default a folder under the home."""
    return os.environ.get("OCEANID_ARTIFACTS_URI") or str(oceanid_home() / "artifacts")


def triton_repository_dir() -> Path:
    return oceanid_home() / "triton"


# Dagster's own storage (runs, event log, schedules) in PostgreSQL: the instance's dagster.yaml
# names this variable; `make dev` sets it to the local server's `dagster` database.
DAGSTER_POSTGRES_URL_ENV = "DAGSTER_POSTGRES_URL"
LOCAL_DAGSTER_POSTGRES_URL = "postgresql://oceanid@127.0.0.1:{port}/dagster"
# dagster-postgres binds its NOTIFY parameters client-side, as psycopg2 does; SQLAlchemy 2.1 gives a
# bare postgresql:// URL to psycopg 3, which binds server-side and fails on them.
_DAGSTER_POSTGRES_SCHEME = "postgresql+psycopg2://"


STORAGE_MODULE = "oceanid_dagster.dagster_storage"


def postgres_instance_storage() -> dict:
    """The ``storage`` block of a dagster.yaml keeping runs and events in PostgreSQL (Dagster's own
    PostgreSQL storage, writing a run's batches of asset events in one statement each)."""
    return _batched_storage("BatchedPostgresStorage", {"postgres_url": {"env": DAGSTER_POSTGRES_URL_ENV}})


def sqlite_instance_storage(base_dir: str | None = None) -> dict:
    """The ``storage`` block of a dagster.yaml keeping runs and events in sqlite files under
    ``base_dir``, by default ``$DAGSTER_HOME`` (where Dagster's default puts them), batches of
    asset events in one statement each."""
    return _batched_storage("BatchedSqliteStorage", {"base_dir": base_dir or {"env": "DAGSTER_HOME"}})


def _batched_storage(class_name: str, config: dict) -> dict:
    return {"custom": {"module": STORAGE_MODULE, "class": class_name, "config": config}}


def instance_uses_postgres(dagster_home: Path) -> bool:
    config = dagster_home / "dagster.yaml"
    return config.exists() and DAGSTER_POSTGRES_URL_ENV in config.read_text(encoding="utf-8")


def local_dagster_postgres_url() -> str:
    return LOCAL_DAGSTER_POSTGRES_URL.format(port=os.environ.get("OCEANID_POSTGRES_PORT", "5433"))


def dagster_postgres_url(url: str) -> str:
    """``url`` with the driver dagster-postgres needs (psycopg2)."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return _DAGSTER_POSTGRES_SCHEME + url.removeprefix(scheme)
    return url


# Dagster writes the materialization (and planned) events of a many-partition run in batches of
# this size, one INSERT each, instead of one per partition (the run of a 1,000-document backfill
# writes thousands). Read by every Dagster process: `make dev` and the Helm values set it.
DAGSTER_EVENT_BATCH_SIZE = "1000"


def dagster_process_env() -> dict[str, str]:
    """Environment for the Dagster processes this project starts (unless already set)."""
    return {"DAGSTER_EVENT_BATCH_SIZE": os.environ.get("DAGSTER_EVENT_BATCH_SIZE", DAGSTER_EVENT_BATCH_SIZE)}


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity; every CPU where that is not known)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
