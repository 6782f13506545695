"""Reading the RFMO registry CSVs (the I/O side of :mod:`oceanid_dagster.domain.registry`)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import TextIO

from oceanid_dagster.domain.registry import Record, normalise_rows

SAMPLE_DATA_PACKAGE = "oceanid_dagster.samples.data"


def read_registry_csv(
    path_or_stream: str | Path | TextIO, origin: str | None = None, skipped: Counter | None = None
) -> list[Record]:
    """Normalised, de-duplicated ``registry_vessels`` records of one published RFMO list; rows
    left out are counted by reason in ``skipped``."""
    if isinstance(path_or_stream, (str, Path)):
        path = Path(path_or_stream)
        # utf-8-sig: NAFO and NEAFC start with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as stream:
            return _read_stream(stream, origin or str(path), skipped)
    return _read_stream(path_or_stream, origin or getattr(path_or_stream, "name", "<stream>"), skipped)


def _read_stream(stream: TextIO, origin: str, skipped: Counter | None) -> list[Record]:
    reader = csv.DictReader(stream)
    header = reader.fieldnames
    if not header:
        raise ValueError(f"{origin}: empty CSV, no header row")
    return normalise_rows(header, reader, origin, skipped)


def read_registry_dir(directory: str | Path, skipped: Counter | None = None) -> list[Record]:
    """All ``*.csv`` lists in ``directory``, in file-name order."""
    paths = sorted(Path(directory).glob("*.csv"))
    if not paths:
        raise FileNotFoundError(f"{directory}: no registry CSV files")
    return [record for path in paths for record in read_registry_csv(path, skipped=skipped)]


def sample_registry_files() -> list[str]:
    """Names of the registry sample CSVs shipped inside the package."""
    data = resources.files(SAMPLE_DATA_PACKAGE)
    return sorted(entry.name for entry in data.iterdir() if entry.name.endswith(".csv"))


def load_sample_registry(skipped: Counter | None = None) -> list[Record]:
    """Records of the small RFMO samples shipped with the package (works without ../shared)."""
    data = resources.files(SAMPLE_DATA_PACKAGE)
    records: list[Record] = []
    for name in sample_registry_files():
        text = data.joinpath(name).read_bytes().decode("utf-8-sig")
        records.extend(read_registry_csv(io.StringIO(text, newline=""), origin=name, skipped=skipped))
    return records
