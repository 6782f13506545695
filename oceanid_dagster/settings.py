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
    return oceanid_home() / "hub"


def triton_repository_dir() -> Path:
    return oceanid_home() / "triton"
