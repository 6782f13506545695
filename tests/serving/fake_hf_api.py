"""An in-memory stand-in for the five ``huggingface_hub.HfApi`` methods HuggingFaceHub uses.

The Hub is unreachable from the test machine, so this is the narrowest boundary we can cut at:
it raises the real ``huggingface_hub`` error types and returns the real ``GitRefs`` objects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import requests
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError
from huggingface_hub.hf_api import GitRefInfo, GitRefs


def _http_error(error_type: type[HfHubHTTPError], status: int, message: str) -> HfHubHTTPError:
    response = requests.Response()
    response.status_code = status
    return error_type(message, response=response)


@dataclass
class FakeCommit:
    oid: str


class FakeHfApi:
    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], dict] = {}  # (repo_type, repo_id) -> {"commits", "tags", "private"}

    def _repo(self, repo_id: str, repo_type: str | None) -> dict:
        key = (repo_type or "model", repo_id)
        if key not in self.repos:
            raise _http_error(RepositoryNotFoundError, 404, f"404 Repository Not Found: {repo_id}")
        return self.repos[key]

    def create_repo(self, repo_id: str, *, repo_type=None, private=None, exist_ok=False, **_):
        key = (repo_type or "model", repo_id)
        if key in self.repos and not exist_ok:
            raise _http_error(HfHubHTTPError, 409, "409 Conflict: repo exists")
        self.repos.setdefault(key, {"commits": {}, "tags": {}, "private": private})

    def upload_folder(self, *, repo_id, folder_path, repo_type=None, commit_message=None, **_):
        repo = self._repo(repo_id, repo_type)
        folder = Path(folder_path)
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
        oid = hashlib.sha1(repr((len(repo["commits"]), sorted(files.items()))).encode()).hexdigest()
        repo["commits"][oid] = {"files": files, "message": commit_message}
        return FakeCommit(oid=oid)

    def create_tag(self, repo_id, *, tag, revision=None, repo_type=None, **_):
        repo = self._repo(repo_id, repo_type)
        if tag in repo["tags"]:
            raise _http_error(HfHubHTTPError, 409, f"409 Conflict: tag {tag} exists")
        repo["tags"][tag] = revision

    def list_repo_refs(self, repo_id, *, repo_type=None, **_):
        repo = self._repo(repo_id, repo_type)
        tags = [GitRefInfo(name=name, ref=f"refs/tags/{name}", target_commit=oid) for name, oid in repo["tags"].items()]
        return GitRefs(branches=[], converts=[], tags=tags)

    def snapshot_download(self, repo_id, *, repo_type=None, revision=None, local_dir=None, **_):
        repo = self._repo(repo_id, repo_type)
        oid = repo["tags"].get(revision, revision)
        if oid not in repo["commits"]:
            raise _http_error(RevisionNotFoundError, 404, f"404 Revision Not Found: {revision}")
        target = Path(local_dir)
        for relative, content in repo["commits"][oid]["files"].items():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(content)
        # like the real client, leave download bookkeeping inside local_dir
        bookkeeping = target / ".cache" / "huggingface" / "download"
        bookkeeping.mkdir(parents=True, exist_ok=True)
        (bookkeeping / "model.onnx.metadata").write_text(oid)
        return str(target)
