"""Where analysts upload documents: a local folder, or an S3-compatible bucket (Cloudflare R2)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from dagster import ConfigurableResource
from pydantic import Field

IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


@dataclass(frozen=True)
class UploadedFile:
    uri: str
    name: str
    size_bytes: int
    arrived_at: float  # seconds since the epoch: inode change time locally, LastModified on S3


class DocumentTooLargeError(ValueError):
    pass


def is_candidate_name(name: str) -> bool:
    """Hidden files and in-progress uploads are not documents (yet)."""
    return not name.startswith(".") and not name.lower().endswith(IGNORED_SUFFIXES)


class DocumentStoreResource(ConfigurableResource):
    """Lists and reads uploaded files. ``uploads_uri`` is a folder path or ``s3://bucket/prefix``."""

    uploads_uri: str = Field(description="Folder path, or s3://bucket/prefix for an S3-compatible bucket.")
    s3_endpoint_url: str | None = Field(default=None, description="e.g. https://<account>.r2.cloudflarestorage.com")
    aws_access_key_id: str | None = Field(default=None, description="From EnvVar; never logged.")
    aws_secret_access_key: str | None = Field(default=None, description="From EnvVar; never logged.")
    region_name: str = "auto"
    max_document_bytes: int = Field(default=100 * 1024 * 1024, description="Larger files are rejected.")
    settle_seconds: float = Field(
        default=1.0, description="Files changed more recently than this are still being written: wait."
    )

    @property
    def is_s3(self) -> bool:
        return self.uploads_uri.startswith("s3://")

    def list_files(self) -> list[UploadedFile]:
        """Every settled upload, oldest arrival first."""
        newest_allowed = time.time() - self.settle_seconds
        files = self._list_s3() if self.is_s3 else self._list_folder()
        return sorted(
            (f for f in files if f.arrived_at <= newest_allowed and is_candidate_name(f.name)),
            key=lambda f: (f.arrived_at, f.uri),
        )

    def read_bytes(self, uri: str, max_bytes: int | None = None) -> bytes:
        if uri.startswith("s3://"):
            bucket, key = _split_s3_uri(uri)
            client = self._s3_client()
            if max_bytes is not None:
                size = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
                check_size(uri, size, max_bytes)
            return client.get_object(Bucket=bucket, Key=key)["Body"].read()
        path = Path(uri)
        if max_bytes is not None:
            check_size(uri, path.stat().st_size, max_bytes)
        return path.read_bytes()

    def sha256(self, uri: str) -> str:
        """Streamed SHA-256 of a stored file (never holds a large file in memory)."""
        digest = hashlib.sha256()
        if uri.startswith("s3://"):
            bucket, key = _split_s3_uri(uri)
            body = self._s3_client().get_object(Bucket=bucket, Key=key)["Body"]
            for chunk in iter(lambda: body.read(1 << 20), b""):
                digest.update(chunk)
        else:
            with open(uri, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        return digest.hexdigest()

    def _list_folder(self) -> Iterator[UploadedFile]:
        root = Path(self.uploads_uri)
        if not root.exists():
            return
        for path in root.rglob("*"):
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed between listing and stat
                continue
            if path.is_file():
                yield UploadedFile(str(path), path.name, stat.st_size, max(stat.st_ctime, stat.st_mtime))

    def _list_s3(self) -> Iterator[UploadedFile]:
        bucket, prefix = _split_s3_uri(self.uploads_uri)
        paginator = self._s3_client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                key = item["Key"]
                if key.endswith("/"):
                    continue
                yield UploadedFile(
                    f"s3://{bucket}/{key}", key.rsplit("/", 1)[-1], item["Size"], item["LastModified"].timestamp()
                )

    def _s3_client(self):
        import boto3  # only S3 deployments pay for the import
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint_url,
            aws_access_key_id=self.aws_access_key_id,
            aws_secret_access_key=self.aws_secret_access_key,
            region_name=self.region_name,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}, connect_timeout=10, read_timeout=60),
        )


def _split_s3_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def check_size(uri: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DocumentTooLargeError(f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes")
