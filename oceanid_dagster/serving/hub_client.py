"""Publishing and fetching immutable model/dataset releases.

Dependency-light on purpose (standard library + ``huggingface_hub``): the model puller on the GPU
host imports this module without Dagster or torch.

Two implementations of :class:`HubClient`:

* :class:`LocalFolderHub` -- a folder standing in for the Hugging Face Hub,
  ``root/<repo_type>s/<repo_id>/<revision>/...``; each revision is written into a temporary
  folder and renamed into place, so readers never see a half-published revision.
* :class:`HuggingFaceHub` -- the Hugging Face Hub: one commit per release, tagged with the
  revision name.

A release folder carries ``manifest.json`` with the sha256 and size of every other file
(:func:`write_manifest`, :func:`verify_manifest`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

MANIFEST_NAME = "manifest.json"
REQUIRED_MANIFEST_FIELDS = (
    "version",
    "triton_model_name",
    "base_model",
    "dataset_revision",
    "created_at",
    "labels",
    "num_labels",
    "metrics",
)
REPO_TYPES = ("model", "dataset")
RELEASE_VERSION_FORMAT = "release-%Y%m%dT%H%M%SZ"
# A challenger that lost the shipping comparison is published for inspection as candidate-<UTC time>:
# never a release, so never "latest" for the puller or the pipeline.
CANDIDATE_PREFIX = "candidate-"
# Revisions this project publishes: release-<UTC time> (models), dataset-<UTC time[.micro]> (datasets).
# Other tags or folders (someone's "v1", "main", a candidate) are not releases: ignored, never "latest".
_REVISION_TIME = re.compile(r"^(?:release|dataset)-(\d{8}T\d{6})(?:\.(\d{1,6}))?Z$")
_TEMP_PREFIX = ".tmp-"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_HASH_CHUNK_BYTES = 1 << 20


class HubError(Exception):
    """A hub operation failed; the message says which repo/revision and why."""


class RevisionExistsError(HubError):
    """Releases are immutable: publishing an existing revision is refused."""


class RevisionNotFoundError(HubError):
    pass


@runtime_checkable
class HubClient(Protocol):
    def publish_folder(
        self,
        repo_id: str,
        folder: Path,
        revision: str,
        repo_type: str = "model",
        commit_message: str = "",
    ) -> str: ...

    def list_revisions(self, repo_id: str, repo_type: str = "model") -> list[str]: ...

    def latest_revision(self, repo_id: str, repo_type: str = "model") -> str | None: ...

    def download(self, repo_id: str, revision: str, dest: Path, repo_type: str = "model") -> Path: ...


def new_release_version(now: datetime | None = None) -> str:
    """``release-YYYYMMDDTHHMMSSZ`` (UTC), so versions sort lexically by time."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime(RELEASE_VERSION_FORMAT)


def revision_time(revision: str) -> datetime | None:
    """When a revision of ours was made (``None`` for a tag or folder that is not one)."""
    match = _REVISION_TIME.match(revision)
    if not match:
        return None
    seconds, fraction = match.groups()
    moment = datetime.strptime(seconds, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return moment.replace(microsecond=int((fraction or "0").ljust(6, "0")))


def ordered_revisions(names) -> list[str]:
    """The project's revisions among ``names``, oldest first by their time (not their spelling)."""
    timed = [(moment, name) for name in names if (moment := revision_time(name)) is not None]
    return [name for _, name in sorted(timed)]


def _check_repo_type(repo_type: str) -> None:
    if repo_type not in REPO_TYPES:
        raise ValueError(f"repo_type must be one of {REPO_TYPES}, got {repo_type!r}")


def _check_revision(revision: str) -> None:
    if not _SAFE_NAME.match(revision):
        raise ValueError(
            f"revision {revision!r} must start with a letter/digit and contain only letters, digits, '.', '_' or '-'"
        )


def _check_repo_id(repo_id: str) -> None:
    parts = repo_id.split("/")
    if not 1 <= len(parts) <= 2 or not all(_SAFE_NAME.match(part) for part in parts):
        raise ValueError(f"repo_id {repo_id!r} must look like 'name' or 'owner/name'")


def _check_publishable(folder: Path) -> None:
    if not folder.is_dir():
        raise HubError(f"cannot publish {folder}: not a folder")
    if not any(path.is_file() for path in folder.rglob("*")):
        raise HubError(f"cannot publish {folder}: it contains no files")
    refuse_links(folder, f"cannot publish {folder}")


def refuse_links(folder: Path, what: str) -> None:
    """A release is plain files: a symbolic link in one (which copying would follow anywhere on the
    machine) is refused, naming the link and never reading its target."""
    links = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_symlink())
    if links:
        raise HubError(f"{what}: it holds symbolic links ({', '.join(links[:5])}), refused")


class LocalFolderHub:
    """A local folder with the Hub's semantics: immutable, atomically published revisions."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def repo_dir(self, repo_id: str, repo_type: str = "model") -> Path:
        _check_repo_type(repo_type)
        _check_repo_id(repo_id)
        return self.root / f"{repo_type}s" / repo_id

    def publish_folder(
        self,
        repo_id: str,
        folder: Path,
        revision: str,
        repo_type: str = "model",
        commit_message: str = "",
    ) -> str:
        _check_revision(revision)
        folder = Path(folder)
        _check_publishable(folder)
        repo_dir = self.repo_dir(repo_id, repo_type)
        target = repo_dir / revision
        if target.exists():
            raise RevisionExistsError(f"{repo_type} repo {repo_id!r} already has revision {revision!r}")
        repo_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{revision}-", dir=repo_dir))
        try:
            shutil.copytree(folder, staging, dirs_exist_ok=True)
            if commit_message:
                (staging / ".commit_message").write_text(commit_message, encoding="utf-8")
            staging.chmod(0o755)
            _rename_no_replace(staging, target, repo_id, revision)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return revision

    def list_revisions(self, repo_id: str, repo_type: str = "model") -> list[str]:
        repo_dir = self.repo_dir(repo_id, repo_type)
        if not repo_dir.is_dir():
            return []
        return ordered_revisions(
            entry.name for entry in repo_dir.iterdir() if entry.is_dir() and not entry.name.startswith(_TEMP_PREFIX)
        )

    def latest_revision(self, repo_id: str, repo_type: str = "model") -> str | None:
        revisions = self.list_revisions(repo_id, repo_type)
        return revisions[-1] if revisions else None

    def download(self, repo_id: str, revision: str, dest: Path, repo_type: str = "model") -> Path:
        _check_revision(revision)
        source = self.repo_dir(repo_id, repo_type) / revision
        if not source.is_dir():
            raise RevisionNotFoundError(f"{repo_type} repo {repo_id!r} has no revision {revision!r} in {self.root}")
        refuse_links(source, f"{repo_type} repo {repo_id!r} revision {revision!r}")
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        for relative in _relative_files(source):
            if relative == ".commit_message":
                continue
            (dest / relative).parent.mkdir(parents=True, exist_ok=True)
            self._copy_file(source / relative, dest / relative)
        return dest

    def _copy_file(self, source: Path, target: Path) -> None:
        shutil.copyfile(source, target)


def _rename_no_replace(staging: Path, target: Path, repo_id: str, revision: str) -> None:
    # rename(2) replaces an *empty* directory silently; a published revision is never empty
    # (see _check_publishable), so a concurrent publisher of the same revision fails here.
    try:
        os.rename(staging, target)
    except OSError as error:
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise RevisionExistsError(f"repo {repo_id!r} already has revision {revision!r}") from error
        raise


class HuggingFaceHub:
    """The Hugging Face Hub via ``huggingface_hub.HfApi``: one commit per release + a tag.

    The Hub keeps every file of earlier commits and puts its own ``.gitattributes`` (and sometimes
    a README) in a new repo, so each revision is committed into a folder of its own name and a
    download takes exactly that folder (``allow_patterns``): a release is exactly what was published.
    A repo that does not exist yet is created private (an existing repo keeps its visibility).
    """

    def __init__(self, token: str | None = None, api: Any = None, private: bool = True) -> None:
        if api is None:
            from huggingface_hub import HfApi

            api = HfApi(token=token)
        self._api = api
        self._private = private

    def publish_folder(
        self,
        repo_id: str,
        folder: Path,
        revision: str,
        repo_type: str = "model",
        commit_message: str = "",
    ) -> str:
        _check_repo_type(repo_type)
        _check_revision(revision)
        folder = Path(folder)
        _check_publishable(folder)
        if revision in self._tags(repo_id, repo_type):
            raise RevisionExistsError(f"{repo_type} repo {repo_id!r} already has tag {revision!r}")
        with _hub_errors(f"publishing {revision} to {repo_type} repo {repo_id!r}"):
            self._api.create_repo(repo_id, repo_type=repo_type, private=self._private, exist_ok=True)
            commit = self._api.upload_folder(
                repo_id=repo_id,
                folder_path=str(folder),
                path_in_repo=revision,
                repo_type=repo_type,
                commit_message=commit_message or f"Release {revision}",
            )
        try:
            self._api.create_tag(repo_id, tag=revision, revision=commit.oid, repo_type=repo_type)
        except Exception as error:
            if _is_conflict(error):
                raise RevisionExistsError(
                    f"{repo_type} repo {repo_id!r}: tag {revision!r} was created concurrently"
                ) from error
            raise
        return revision

    def _tags(self, repo_id: str, repo_type: str) -> list[str]:
        from huggingface_hub.errors import RepositoryNotFoundError

        _check_repo_type(repo_type)
        with _hub_errors(f"listing the tags of {repo_type} repo {repo_id!r}"):
            try:
                refs = self._api.list_repo_refs(repo_id, repo_type=repo_type)
            except RepositoryNotFoundError:
                return []
        return [tag.name for tag in refs.tags]

    def list_revisions(self, repo_id: str, repo_type: str = "model") -> list[str]:
        """The project's release tags, oldest first by time; the Hub lists tags in no set order."""
        return ordered_revisions(self._tags(repo_id, repo_type))

    def latest_revision(self, repo_id: str, repo_type: str = "model") -> str | None:
        revisions = self.list_revisions(repo_id, repo_type)
        return revisions[-1] if revisions else None

    def download(self, repo_id: str, revision: str, dest: Path, repo_type: str = "model") -> Path:
        """The files of ``revision``'s folder at its tag, directly into ``dest``, and nothing else."""
        _check_repo_type(repo_type)
        _check_revision(revision)
        dest = Path(dest)
        dest.mkdir(parents=True, exist_ok=True)
        from huggingface_hub.errors import RepositoryNotFoundError
        from huggingface_hub.errors import RevisionNotFoundError as HfRevisionNotFoundError

        # a scratch folder beside dest (same filesystem: the moves below are renames)
        with tempfile.TemporaryDirectory(prefix=_TEMP_PREFIX, dir=dest.parent) as scratch:
            with _hub_errors(f"downloading {repo_type} repo {repo_id!r}@{revision}"):
                try:
                    self._api.snapshot_download(
                        repo_id,
                        repo_type=repo_type,
                        revision=revision,
                        local_dir=scratch,
                        allow_patterns=[f"{revision}/*"],
                    )
                except (RepositoryNotFoundError, HfRevisionNotFoundError) as error:
                    raise RevisionNotFoundError(
                        f"{repo_type} repo {repo_id!r} has no revision {revision!r} on the Hub"
                    ) from error
            published = Path(scratch) / revision
            if not published.is_dir() or not any(published.iterdir()):
                raise RevisionNotFoundError(
                    f"{repo_type} repo {repo_id!r}@{revision} holds no {revision}/ folder: not a release "
                    "published by this project"
                )
            for entry in published.iterdir():
                shutil.move(str(entry), str(dest / entry.name))
        return dest


_HUB_ADVICE = {
    401: "not authorised: check HF_TOKEN and its access to the repo",
    403: "forbidden: the token lacks access to the repo",
    429: "rate limited by the Hub: try again later",
}


@contextmanager
def _hub_errors(what: str) -> Iterator[None]:
    """Hub HTTP errors as :class:`HubError` saying what to do (the token never appears in them);
    404 and 409 pass through, for the callers that handle them."""
    try:
        yield
    except HubError:
        raise
    except Exception as error:
        status = _status(error)
        if status is None or status in (404, 409):
            raise
        advice = _HUB_ADVICE.get(status, "the Hub failed: try again later" if status >= 500 else "refused")
        raise HubError(f"{what}: HTTP {status}, {advice}") from error


def _status(error: BaseException) -> int | None:
    return getattr(getattr(error, "response", None), "status_code", None)


def _is_conflict(error: Exception) -> bool:
    return _status(error) == 409


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


# --- manifest ---------------------------------------------------------------------------------


def _relative_files(folder: Path) -> Iterator[str]:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path.relative_to(folder).as_posix()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def file_inventory(folder: Path) -> dict[str, dict[str, Any]]:
    """``{relative path: {"sha256", "size"}}`` for every file except ``manifest.json``."""
    folder = Path(folder)
    return {
        relative: {"sha256": sha256_file(folder / relative), "size": (folder / relative).stat().st_size}
        for relative in _relative_files(folder)
        if relative != MANIFEST_NAME
    }


def write_manifest(folder: Path, **fields: Any) -> dict[str, Any]:
    """Write ``folder/manifest.json`` from ``fields`` plus the checksums of every other file."""
    missing = [name for name in REQUIRED_MANIFEST_FIELDS if name not in fields]
    if missing:
        raise ValueError(f"manifest for {folder} lacks required fields: {', '.join(missing)}")
    if "files" in fields:
        raise ValueError("manifest 'files' is computed from the folder, do not pass it")
    manifest = {**fields, "files": file_inventory(folder)}
    (Path(folder) / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    path = Path(folder) / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise HubError(f"{path}: missing") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise HubError(f"{path}: not valid JSON ({error})") from error
    if not isinstance(manifest, dict):
        raise HubError(f"{path}: expected a JSON object")
    return manifest


def verify_manifest(folder: Path) -> list[str]:
    """Every problem found comparing ``folder`` with its manifest; empty when the release is intact."""
    folder = Path(folder)
    try:
        manifest = read_manifest(folder)
    except HubError as error:
        return [str(error)]
    problems = [f"manifest.json: missing field {name!r}" for name in REQUIRED_MANIFEST_FIELDS if name not in manifest]
    labels = manifest.get("labels")
    if isinstance(labels, list) and manifest.get("num_labels") != len(labels):
        problems.append(f"manifest.json: num_labels={manifest.get('num_labels')!r} but {len(labels)} labels listed")
    listed = manifest.get("files")
    if not isinstance(listed, dict):
        return problems + ["manifest.json: 'files' must be an object of {path: {sha256, size}}"]
    return problems + _file_problems(folder, listed)


def _file_problems(folder: Path, listed: dict[str, Any]) -> list[str]:
    problems = []
    present = set(_relative_files(folder)) - {MANIFEST_NAME}
    for relative in sorted(set(listed) - present):
        problems.append(f"{relative}: listed in manifest.json but missing")
    for relative in sorted(present - set(listed)):
        problems.append(f"{relative}: present but not listed in manifest.json")
    for relative in sorted(present & set(listed)):
        expected = listed[relative]
        path = folder / relative
        if not isinstance(expected, dict):
            problems.append(f"{relative}: manifest entry must be {{sha256, size}}")
        elif path.stat().st_size != expected.get("size"):
            problems.append(f"{relative}: size {path.stat().st_size} != manifest {expected.get('size')}")
        elif sha256_file(path) != expected.get("sha256"):
            problems.append(f"{relative}: sha256 does not match manifest.json")
    return problems
