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


def artifacts_uri() -> str:
    """Where training artifacts go between steps: ``OCEANID_ARTIFACTS_URI`` (a folder or
    ``s3://bucket/prefix``), default a folder under the home."""
    return os.environ.get("OCEANID_ARTIFACTS_URI") or str(oceanid_home() / "artifacts")


def triton_repository_dir() -> Path:
    return oceanid_home() / "triton"
