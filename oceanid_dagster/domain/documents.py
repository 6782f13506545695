"""Document identity: content addressed, so the same bytes under another name are one document."""

from __future__ import annotations

import hashlib
import unicodedata

DOCUMENT_ID_LENGTH = 16


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_id_from_sha256(sha256: str) -> str:
    return sha256[:DOCUMENT_ID_LENGTH]


def document_id(data: bytes) -> str:
    """First 16 hex characters of the SHA-256 of the file's bytes."""
    return document_id_from_sha256(sha256_hex(data))


def display_filename(name: str, max_length: int = 200) -> str:
    """A file name safe to show and store: path separators and control characters removed.

    Unicode letters are kept (NFC-normalised); the name is never used to build a path.
    """
    name = unicodedata.normalize("NFC", name)
    name = name.replace("/", "_").replace("\\", "_")
    name = "".join(ch if unicodedata.category(ch)[0] != "C" else "_" for ch in name).strip()
    if name in ("", ".", ".."):
        name = "unnamed"
    return name[:max_length]
