"""Where analysts upload documents: a local folder, or an S3-compatible bucket (Cloudflare R2)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat as stat_mode
import time
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field

from oceanid_dagster.defs.resources.s3 import S3BucketResource, split_s3_uri

IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass(frozen=True)
class UploadedFile:
    uri: str
    name: str
    size_bytes: int
    arrived_at: float  # seconds since the epoch: inode change time locally (or its folder's), LastModified on S3
    version: str = ""  # changes when the content may have: size and mtime locally, the ETag on S3


@dataclass(frozen=True)
class Unreadable:
    """An entry of the uploads folder or bucket that is not read, and why (a loop, a link out, ...)."""

    uri: str
    reason: str


@dataclass
class Listing:
    files: list[UploadedFile]
    unreadable: list[Unreadable] = field(default_factory=list)
    complete: bool = True  # False: stopped at its deadline; what it did not reach is listed next time


class DocumentTooLargeError(ValueError):
    pass


class UploadRefusedError(ValueError):
    """An upload the store will not read (a link out of the uploads folder)."""


def is_candidate_name(name: str) -> bool:
    """Hidden files and in-progress uploads are not documents (yet)."""
    return not name.startswith(".") and not name.lower().endswith(IGNORED_SUFFIXES)


class DocumentStoreResource(S3BucketResource):
    """Lists and reads uploaded files. ``uploads_uri`` is a folder path or ``s3://bucket/prefix``."""

    uploads_uri: str = Field(description="Folder path, or s3://bucket/prefix for an S3-compatible bucket.")
    max_document_bytes: int = Field(default=100 * 1024 * 1024, description="Larger files are rejected.")
    settle_seconds: float = Field(
        default=4.0,  # ticks come every 5 s: a file is taken on the tick after the one that first saw it
        description="A file is taken once its size and modification time stayed the same this long "
        "(seen unchanged on two sensor ticks at least this far apart); 0 takes it on first sight.",
    )

    @property
    def is_s3(self) -> bool:
        return self.uploads_uri.startswith("s3://")

    def list_files(self, deadline: float | None = None) -> Listing:
        """Every upload (oldest arrival first) and every entry that cannot be read, until ``deadline``
        (``time.monotonic()``); hidden files and in-progress uploads are left out."""
        listing = self._list_s3(deadline) if self.is_s3 else self._list_folder(deadline)
        listing.files.sort(key=lambda f: (f.arrived_at, f.uri))
        return listing

    def read_bytes(self, uri: str, max_bytes: int | None = None) -> bytes:
        if uri.startswith("s3://"):
            bucket, key = split_s3_uri(uri)
            client = self._s3_client()
            if max_bytes is not None:
                size = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
                check_size(uri, size, max_bytes)
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()
        path = self._local_path(uri)
        if max_bytes is not None:
            check_size(uri, path.stat().st_size, max_bytes)
        return path.read_bytes()

    def sha256(self, uri: str) -> str:
        """Streamed SHA-256 of a stored file (never holds a large file in memory)."""
        digest = hashlib.sha256()
        if uri.startswith("s3://"):
            bucket, key = split_s3_uri(uri)
            body = self._s3_client().get_object(Bucket=bucket, Key=key)["Body"]
            for chunk in iter(lambda: body.read(1 << 20), b""):
                digest.update(chunk)
        else:
            with self._local_path(uri).open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        return digest.hexdigest()

    def _local_path(self, uri: str) -> Path:
        """A local file to read; a link in the uploads folder that leads out of it is refused, at
        read time too (it may have been replaced since it was listed)."""
        path, root = Path(uri), Path(self.uploads_uri)
        in_uploads_link = not self.is_s3 and path.is_relative_to(root) and path.is_symlink()
        if in_uploads_link and not Path(os.path.realpath(path)).is_relative_to(root.resolve()):
            raise UploadRefusedError(f"{uri}: symbolic link leading outside the uploads folder: refused")
        return path

    def _list_folder(self, deadline: float | None) -> Listing:
        root = Path(self.uploads_uri)
        listing = Listing([])
        if not root.is_dir():
            return listing
        real_root = root.resolve()
        # A folder moved in keeps its files' own times: its rename changes only the folder's ctime.
        folder_arrivals = {root: 0.0}

        def unreadable_folder(error: OSError) -> None:
            listing.unreadable.append(Unreadable(str(error.filename), _os_reason(error)))

        for folder, subfolders, names in os.walk(root, onerror=unreadable_folder):
            if deadline is not None and time.monotonic() > deadline:
                listing.complete = False
                return listing
            here = Path(folder)
            for name in list(subfolders):
                if not self._enter_folder(here / name, folder_arrivals, listing):
                    subfolders.remove(name)
            for name in names:
                if is_candidate_name(name):
                    entry = _folder_entry(here / name, real_root, folder_arrivals[here])
                    if isinstance(entry, UploadedFile):
                        listing.files.append(entry)
                    elif entry is not None:
                        listing.unreadable.append(entry)
        return listing

    @staticmethod
    def _enter_folder(path: Path, folder_arrivals: dict[Path, float], listing: Listing) -> bool:
        if path.name.startswith("."):
            return False
        if path.is_symlink():
            listing.unreadable.append(Unreadable(str(path), "symbolic link to a folder: not followed"))
            return False
        try:
            folder_arrivals[path] = max(folder_arrivals[path.parent], path.lstat().st_ctime)
        except OSError as error:
            listing.unreadable.append(Unreadable(str(path), _os_reason(error)))
            return False
        return True

    def _list_s3(self, deadline: float | None) -> Listing:
        bucket, prefix = split_s3_uri(self.uploads_uri)
        paginator = self._s3_client().get_paginator("list_objects_v2")
        listing = Listing([])
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                name = key.rsplit("/", 1)[-1]
                if key.endswith("/") or not is_candidate_name(name):
                    continue
                version = item.get("ETag", "").strip('"')
                arrived = item["LastModified"].timestamp()
                listing.files.append(UploadedFile(f"s3://{bucket}/{key}", name, item["Size"], arrived, version))
            if deadline is not None and time.monotonic() > deadline:
                listing.complete = False
                break
        return listing


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "dangling symbolic link"
    return f"unreadable ({error.strerror or type(error).__name__})"


def _folder_entry(path: Path, real_root: Path, folder_arrival: float) -> UploadedFile | Unreadable | None:
    """The file at ``path``, the reason it is not read, or None when it vanished while listing."""
    try:
        link = path.lstat()
        info = path.stat()
        if stat_mode.S_ISLNK(link.st_mode) and not Path(os.path.realpath(path)).is_relative_to(real_root):
            return Unreadable(str(path), "symbolic link leading outside the uploads folder: refused")
    except FileNotFoundError:
        return Unreadable(str(path), "dangling symbolic link") if path.is_symlink() else None
    except OSError as error:
        return Unreadable(str(path), _os_reason(error))
    if not stat_mode.S_ISREG(info.st_mode):
        return Unreadable(str(path), "not a regular file")
    if not os.access(path, os.R_OK):
        return Unreadable(str(path), "permission denied")
    arrived = max(info.st_ctime, info.st_mtime, link.st_ctime, folder_arrival)
    return UploadedFile(str(path), path.name, info.st_size, arrived, f"{info.st_size}:{info.st_mtime_ns}")


def check_size(uri: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DocumentTooLargeError(f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
