"""An in-memory stand-in for the ``huggingface_hub.HfApi`` methods HuggingFaceHub uses.

The Hub is unreachable from the test machine, so this is the narrowest boundary we can cut at: it
raises the real ``huggingface_hub`` error types, returns the real ``GitRefs`` objects, filters
downloads with the real client's ``filter_repo_objects``, and reproduces what the Hub does that
the code relies on (each behaviour is named in a test of ``test_hub_client.py``):

* a new repo already holds the Hub's default ``.gitattributes`` (LFS rules) in its first commit;
* a commit keeps every file of the commit before it (``upload_folder`` adds, it does not replace);
* ``list_repo_refs`` lists tags in no particular order;
* ``snapshot_download`` of a revision brings every file of that commit (unless ``allow_patterns``)
  and leaves its bookkeeping in ``<local_dir>/.cache/huggingface``;
* HTTP failures (401, 403, 429, 500...) arrive as ``HfHubHTTPError`` with the status in the response.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import requests
from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError, RevisionNotFoundError
from huggingface_hub.hf_api import GitRefInfo, GitRefs
from huggingface_hub.utils import filter_repo_objects

# The start of the .gitattributes the Hub commits into every new repo.
HUB_DEFAULT_GITATTRIBUTES = b"""*.7z filter=lfs diff=lfs merge=lfs -text
*.arrow filter=lfs diff=lfs merge=lfs -text
*.bin filter=lfs diff=lfs merge=lfs -text
*.onnx filter=lfs diff=lfs merge=lfs -text
*.safetensors filter=lfs diff=lfs merge=lfs -text
"""


def http_error(status: int, message: str, error_type: type[HfHubHTTPError] = HfHubHTTPError) -> HfHubHTTPError:
    response = requests.Response()
    response.status_code = status
    return error_type(message, response=response)


@dataclass
class FakeCommit:
    oid: str


class FakeHfApi:
    def __init__(self) -> None:
        self.repos: dict[tuple[str, str], dict] = {}  # (repo_type, repo_id) -> {"commits", "head", "tags", "private"}
        self.failures: dict[str, int] = {}  # method name -> HTTP status its next call fails with

    def fail_next(self, method: str, status: int) -> None:
        self.failures[method] = status

    def _maybe_fail(self, method: str) -> None:
        status = self.failures.pop(method, None)
        if status is not None:
            raise http_error(status, f"{status} Client Error for url: https://huggingface.co/api/... ({method})")

    def _repo(self, repo_id: str, repo_type: str | None) -> dict:
        key = (repo_type or "model", repo_id)
        if key not in self.repos:
            raise http_error(404, f"404 Repository Not Found: {repo_id}", RepositoryNotFoundError)
        return self.repos[key]

    def _commit(self, repo: dict, files: dict[str, bytes], message: str) -> str:
        oid = hashlib.sha1(repr((len(repo["commits"]), sorted(files.items()))).encode()).hexdigest()
        repo["commits"][oid] = {"files": files, "message": message}
        repo["head"] = oid
        return oid

    def create_repo(self, repo_id: str, *, repo_type=None, private=None, exist_ok=False, **_):
        self._maybe_fail("create_repo")
        key = (repo_type or "model", repo_id)
        if key in self.repos and not exist_ok:
            raise http_error(409, "409 Conflict: repo exists")
        if key not in self.repos:
            self.repos[key] = {"commits": {}, "head": None, "tags": {}, "private": private}
            self._commit(self.repos[key], {".gitattributes": HUB_DEFAULT_GITATTRIBUTES}, "initial commit")

    def upload_folder(self, *, repo_id, folder_path, path_in_repo=None, repo_type=None, commit_message=None, **_):
        self._maybe_fail("upload_folder")
        repo = self._repo(repo_id, repo_type)
        folder, prefix = Path(folder_path), (f"{path_in_repo.strip('/')}/" if path_in_repo else "")
        added = {prefix + p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
        files = {**repo["commits"][repo["head"]]["files"], **added}  # earlier files stay
        return FakeCommit(oid=self._commit(repo, files, commit_message))

    def create_tag(self, repo_id, *, tag, revision=None, repo_type=None, **_):
        self._maybe_fail("create_tag")
        repo = self._repo(repo_id, repo_type)
        if tag in repo["tags"]:
            raise http_error(409, f"409 Conflict: tag {tag} exists")
        repo["tags"][tag] = revision

    def list_repo_refs(self, repo_id, *, repo_type=None, **_):
        self._maybe_fail("list_repo_refs")
        repo = self._repo(repo_id, repo_type)
        # no particular order: here, by a hash of the name
        names = sorted(repo["tags"], key=lambda name: hashlib.md5(name.encode()).hexdigest())
        tags = [GitRefInfo(name=name, ref=f"refs/tags/{name}", target_commit=repo["tags"][name]) for name in names]
        return GitRefs(branches=[], converts=[], tags=tags)

    def snapshot_download(self, repo_id, *, repo_type=None, revision=None, local_dir=None, allow_patterns=None, **_):
        self._maybe_fail("snapshot_download")
        repo = self._repo(repo_id, repo_type)
        oid = repo["tags"].get(revision, revision)
        if oid not in repo["commits"]:
            raise http_error(404, f"404 Revision Not Found: {revision}", RevisionNotFoundError)
        target = Path(local_dir)
        files = repo["commits"][oid]["files"]
        for relative in filter_repo_objects(list(files), allow_patterns=allow_patterns):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_bytes(files[relative])
        # like the real client, leave download bookkeeping inside local_dir
        bookkeeping = target / ".cache" / "huggingface" / "download"
        bookkeeping.mkdir(parents=True, exist_ok=True)
        (bookkeeping / "model.onnx.metadata").write_text(oid)
        return str(target)
