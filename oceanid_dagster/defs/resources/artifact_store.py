"""Where the training chain's artifacts travel between steps: a folder locally, an S3-compatible
bucket in production, where each step is its own pod with its own disk.

An artifact is a folder stored under a name (``training/<time>/model``). Its files go first and its
inventory (every file's sha256 and size) last, so an artifact whose inventory is there is complete;
a reader downloads exactly the inventory's files and checks each one. Nothing is ever read from
another step's local disk.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from pydantic import Field

from oceanid_dagster.defs.resources.s3 import S3BucketResource, split_s3_uri
from oceanid_dagster.serving.hub_client import file_inventory, sha256_file

INVENTORY_NAME = "inventory.json"


class ArtifactError(Exception):
    """An artifact is missing, incomplete or altered; the message names it and the store."""


class ArtifactStoreResource(S3BucketResource):
    """Folders handed from one step to the next: ``uri`` is a local folder or ``s3://bucket/prefix``."""

    uri: str = Field(description="Folder path, or s3://bucket/prefix of an S3-compatible bucket.")

    @property
    def is_s3(self) -> bool:
        return self.uri.startswith("s3://")

    def location(self, name: str) -> str:
        return f"{self.uri.rstrip('/')}/{_checked_name(name)}"

    def put_folder(self, folder: Path, name: str, only: Iterable[str] | None = None) -> str:
        """Store the files of ``folder`` (all, or ``only`` these relative paths) as artifact ``name``,
        never over an existing one; returns the name to pass downstream."""
        folder = Path(folder)
        inventory = file_inventory(folder)
        if only is not None:
            inventory = {relative: inventory[relative] for relative in only}
        if not inventory:
            raise ArtifactError(f"artifact {name!r}: {folder} holds no files")
        if self.is_s3:
            self._put_s3(folder, _checked_name(name), inventory)
        else:
            self._put_local(folder, Path(self.location(name)), inventory)
        return name

    def get_folder(self, name: str, dest: Path) -> Path:
        """Artifact ``name``'s files in ``dest``, each checked against the inventory."""
        dest = Path(dest)
        client = self._s3_client() if self.is_s3 else None
        inventory = self._read_inventory(name, client)
        for relative, expected in inventory.items():
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if client is not None:
                client.download_file(*self._key(name, relative), str(target))
            else:
                shutil.copyfile(Path(self.location(name)) / relative, target)
            if target.stat().st_size != expected["size"] or sha256_file(target) != expected["sha256"]:
                raise ArtifactError(f"artifact {self.location(name)}: {relative} does not match its inventory")
        return dest

    def check_writable(self) -> str:
        """Where artifacts go can be reached and written to (nothing is left behind)."""
        if self.is_s3:
            bucket, _ = split_s3_uri(self.uri)
            self._s3_client().head_bucket(Bucket=bucket)
            return f"bucket {bucket} reachable"
        root = Path(self.uri)
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".tmp-smoke-"):
            pass
        return "folder writable"

    # --- S3 -------------------------------------------------------------------------------------

    def _key(self, name: str, relative: str) -> tuple[str, str]:
        bucket, prefix = split_s3_uri(self.uri.rstrip("/"))
        return bucket, "/".join(part for part in (prefix, name, relative) if part)

    def _put_s3(self, folder: Path, name: str, inventory: dict) -> None:
        client = self._s3_client()
        if self._s3_inventory_exists(client, name):
            raise ArtifactError(f"artifact {self.location(name)} already exists: artifacts are never overwritten")
        for relative in inventory:
            client.upload_file(str(folder / relative), *self._key(name, relative))
        bucket, key = self._key(name, INVENTORY_NAME)
        client.put_object(Bucket=bucket, Key=key, Body=json.dumps(inventory, indent=1).encode())

    def _s3_inventory_exists(self, client, name: str) -> bool:
        bucket, key = self._key(name, INVENTORY_NAME)
        try:
            client.head_object(Bucket=bucket, Key=key)
        except Exception as error:
            if _is_missing(error):
                return False
            raise
        return True

    # --- local folder ---------------------------------------------------------------------------

    def _put_local(self, folder: Path, target: Path, inventory: dict) -> None:
        if (target / INVENTORY_NAME).exists():
            raise ArtifactError(f"artifact {target} already exists: artifacts are never overwritten")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{target.name}-", dir=target.parent))
        try:
            for relative in inventory:
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / relative, staging / relative)
            (staging / INVENTORY_NAME).write_text(json.dumps(inventory, indent=1), encoding="utf-8")
            staging.rename(target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    # --- reading --------------------------------------------------------------------------------

    def _read_inventory(self, name: str, client) -> dict:
        try:
            if client is not None:
                bucket, key = self._key(_checked_name(name), INVENTORY_NAME)
                raw = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            else:
                raw = (Path(self.location(name)) / INVENTORY_NAME).read_bytes()
        except Exception as error:
            if not _is_missing(error):
                raise
            raise ArtifactError(
                f"artifact {self.location(name)} is missing or incomplete (no {INVENTORY_NAME}): "
                "materialise the upstream asset again"
            ) from error
        return json.loads(raw)


def _checked_name(name: str) -> str:
    parts = name.split("/")
    if not name or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"artifact name {name!r} must be relative parts joined by '/'")
    return name


def _is_missing(error: Exception) -> bool:
    if isinstance(error, FileNotFoundError):
        return True
    response = getattr(error, "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code in ("NoSuchKey", "404", "NotFound")
