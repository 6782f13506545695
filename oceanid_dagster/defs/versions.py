"""``code_version``s derived from the code that decides an asset's content, so the UI marks an
asset stale when its rules, readers or training code change (files are hashed, not imported:
loading the code location must not import torch)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


@cache
def source_version(*paths: str) -> str:
    """12 hex of the SHA-256 of these package files (or every ``.py`` of these package folders)."""
    digest = hashlib.sha256()
    for path in paths:
        target = PACKAGE / path
        files = sorted(target.glob("*.py")) if target.is_dir() else [target]
        if not files or not all(file.is_file() for file in files):
            raise FileNotFoundError(f"code_version source {path!r} not found under {PACKAGE}")
        for file in files:
            digest.update(file.relative_to(PACKAGE).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]
