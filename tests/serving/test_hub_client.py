from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from oceanid_dagster.serving.hub_client import (
    HubClient,
    HubError,
    HuggingFaceHub,
    LocalFolderHub,
    RevisionExistsError,
    RevisionNotFoundError,
    file_inventory,
    new_release_version,
    verify_manifest,
    write_manifest,
)
from tests.serving.fake_hf_api import FakeHfApi

REPO = "oceanid/vessel-ner"
MANIFEST_FIELDS = dict(  # noqa: C408 - keyword form reads as the manifest's fields
    version="release-20250101T000000Z",
    triton_model_name="distilbert-base-uncased",
    base_model="distilbert-base-uncased",
    dataset_revision="dataset-20250101T000000Z",
    created_at="2025-01-01T00:00:00Z",
    labels=["O", "B-IMO", "I-IMO"],
    num_labels=3,
    metrics={"f1": 0.5},
)


def make_folder(path: Path, files: dict[str, bytes]) -> Path:
    for relative, content in files.items():
        (path / relative).parent.mkdir(parents=True, exist_ok=True)
        (path / relative).write_bytes(content)
    return path


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(params=["local", "huggingface"])
def hub(request, tmp_path) -> HubClient:
    if request.param == "local":
        return LocalFolderHub(tmp_path / "hub")
    return HuggingFaceHub(api=FakeHfApi())


@pytest.fixture
def release(tmp_path) -> Path:
    return make_folder(tmp_path / "release", {"model.onnx": b"\x08\x07onnx", "nested/labels.json": b'["O"]'})


# --- behaviour both implementations share ------------------------------------------------------


def test_published_revision_downloads_byte_identical(hub, release, tmp_path):
    assert isinstance(hub, HubClient)
    assert hub.publish_folder(REPO, release, "release-20250101T000000Z") == "release-20250101T000000Z"

    downloaded = hub.download(REPO, "release-20250101T000000Z", tmp_path / "out")

    assert read_tree(downloaded) == read_tree(release)


def test_revisions_are_sorted_and_latest_is_last(hub, release):
    for revision in ["release-20250301T000000Z", "release-20250101T000000Z", "release-20250201T000000Z"]:
        hub.publish_folder(REPO, release, revision)

    assert hub.list_revisions(REPO) == [
        "release-20250101T000000Z",
        "release-20250201T000000Z",
        "release-20250301T000000Z",
    ]
    assert hub.latest_revision(REPO) == "release-20250301T000000Z"


def test_unknown_repo_has_no_revisions(hub):
    assert hub.list_revisions("oceanid/nothing-here") == []
    assert hub.latest_revision("oceanid/nothing-here") is None


def test_existing_revision_is_never_overwritten(hub, release, tmp_path):
    hub.publish_folder(REPO, release, "release-20250101T000000Z")
    other = make_folder(tmp_path / "other", {"model.onnx": b"different"})

    with pytest.raises(RevisionExistsError, match="release-20250101T000000Z"):
        hub.publish_folder(REPO, other, "release-20250101T000000Z")

    assert read_tree(hub.download(REPO, "release-20250101T000000Z", tmp_path / "out")) == read_tree(release)


def test_model_and_dataset_repos_are_separate(hub, release):
    hub.publish_folder(REPO, release, "dataset-20250101T000000Z", repo_type="dataset")

    assert hub.list_revisions(REPO, repo_type="dataset") == ["dataset-20250101T000000Z"]
    assert hub.list_revisions(REPO, repo_type="model") == []


def test_unknown_revision_download_names_repo_and_revision(hub, release, tmp_path):
    hub.publish_folder(REPO, release, "release-20250101T000000Z")

    with pytest.raises(RevisionNotFoundError, match="release-20990101T000000Z"):
        hub.download(REPO, "release-20990101T000000Z", tmp_path / "out")


@pytest.mark.parametrize("revision", ["../escape", "a/b", "", ".hidden"])
def test_unsafe_revision_names_are_refused(hub, release, revision):
    with pytest.raises(ValueError, match="revision"):
        hub.publish_folder(REPO, release, revision)


def test_empty_folder_is_refused(hub, tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(HubError, match="no files"):
        hub.publish_folder(REPO, tmp_path / "empty", "release-20250101T000000Z")


# --- LocalFolderHub specifics ------------------------------------------------------------------


def test_a_release_holding_a_symbolic_link_is_not_published(hub, release, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (release / "tokenizer.json").symlink_to(secret)

    with pytest.raises(HubError, match=r"symbolic links \(tokenizer.json\), refused"):
        hub.publish_folder(REPO, release, "release-1")
    assert hub.list_revisions(REPO) == []


def test_a_local_hub_revision_tampered_with_a_link_is_not_downloaded(tmp_path, release):
    hub = LocalFolderHub(tmp_path / "hub")
    hub.publish_folder(REPO, release, "release-1")
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (hub.repo_dir(REPO) / "release-1" / "extra.json").symlink_to(secret)

    with pytest.raises(HubError, match=r"revision 'release-1'.*symbolic links \(extra.json\), refused") as refused:
        hub.download(REPO, "release-1", tmp_path / "out")
    assert "private" not in str(refused.value)
    assert not (tmp_path / "out" / "extra.json").exists()


def test_local_hub_layout_is_repo_type_then_repo_then_revision(tmp_path, release):
    hub = LocalFolderHub(tmp_path / "hub")
    hub.publish_folder(REPO, release, "release-20250101T000000Z")

    assert (tmp_path / "hub/models/oceanid/vessel-ner/release-20250101T000000Z/nested/labels.json").is_file()


def test_local_hub_ignores_leftover_staging_folders(tmp_path, release):
    hub = LocalFolderHub(tmp_path / "hub")
    hub.publish_folder(REPO, release, "release-20250101T000000Z")
    (hub.repo_dir(REPO) / ".tmp-release-20250201T000000Z-abc").mkdir()  # a publisher that crashed

    assert hub.list_revisions(REPO) == ["release-20250101T000000Z"]


def test_local_hub_failed_copy_leaves_no_revision_and_no_staging(tmp_path, monkeypatch):
    folder = make_folder(tmp_path / "release", {"a-model.onnx": b"x", "b-labels.json": b"[]"})
    hub = LocalFolderHub(tmp_path / "hub")

    def disk_full_after_the_first_file(source, target, **kwargs):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(Path(source) / "a-model.onnx", Path(target) / "a-model.onnx")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copytree", disk_full_after_the_first_file)
    with pytest.raises(OSError, match="No space left on device"):
        hub.publish_folder(REPO, folder, "release-20250101T000000Z")

    assert list(hub.repo_dir(REPO).iterdir()) == []


def _publish_in_process(root: str, folder: str, start) -> str:
    start.wait()
    try:
        LocalFolderHub(Path(root)).publish_folder(REPO, Path(folder), "release-20250101T000000Z")
        return "published"
    except RevisionExistsError:
        return "refused"


def test_local_hub_concurrent_publishers_of_one_revision_exactly_one_wins(tmp_path):
    folders = [
        make_folder(tmp_path / f"r{i}", {"model.onnx": bytes([i]) * 50_000, f"only-{i}": b"x"}) for i in range(4)
    ]
    # spawn, not fork: the test process may already run threads (ONNX Runtime, servers), and a
    # forked child can inherit a lock held by one of them and hang.
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        start = manager.Barrier(len(folders))
        with context.Pool(len(folders)) as pool:
            outcomes = pool.starmap(_publish_in_process, [(str(tmp_path / "hub"), str(f), start) for f in folders])
            # workers told to stop, not killed: Pool's exit sends SIGTERM, which children of a test
            # process that ignores it (seen after earlier tests) inherit as ignored, and the join hangs
            pool.close()
            pool.join()

    assert sorted(outcomes) == ["published", "refused", "refused", "refused"]
    hub = LocalFolderHub(tmp_path / "hub")
    published = read_tree(hub.repo_dir(REPO) / "release-20250101T000000Z")
    assert published in [read_tree(f) for f in folders]  # one publisher's files, never a mix
    assert [p.name for p in hub.repo_dir(REPO).iterdir()] == ["release-20250101T000000Z"]


# --- HuggingFaceHub specifics ------------------------------------------------------------------


def test_huggingface_publish_is_one_commit_into_the_revisions_folder_tagged_with_it(release):
    api = FakeHfApi()
    HuggingFaceHub(api=api).publish_folder(REPO, release, "release-20250101T000000Z", commit_message="nightly")

    repo = api.repos[("model", REPO)]
    assert repo["private"] is True
    commit = repo["commits"][repo["head"]]
    assert commit["message"] == "nightly"
    assert set(commit["files"]) == {
        ".gitattributes",  # the Hub's, from the repo's creation
        "release-20250101T000000Z/model.onnx",
        "release-20250101T000000Z/nested/labels.json",
    }
    assert repo["tags"] == {"release-20250101T000000Z": repo["head"]}


# --- the real Hub's behaviours the client relies on (reproduced by FakeHfApi) -------------------


def test_a_new_repo_holds_the_hubs_default_gitattributes_and_a_download_leaves_it_out(release, tmp_path):
    api = FakeHfApi()
    hub = HuggingFaceHub(api=api)
    write_manifest(release, **MANIFEST_FIELDS)
    hub.publish_folder(REPO, release, "release-20250101T000000Z")
    assert ".gitattributes" in api.repos[("model", REPO)]["commits"][api.repos[("model", REPO)]["head"]]["files"]

    downloaded = hub.download(REPO, "release-20250101T000000Z", tmp_path / "out")
    assert read_tree(downloaded) == read_tree(release) and verify_manifest(downloaded) == []


def test_files_of_earlier_commits_stay_in_the_repo_and_stay_out_of_a_later_releases_download(release, tmp_path):
    hub = HuggingFaceHub(api=FakeHfApi())
    write_manifest(release, **MANIFEST_FIELDS)
    hub.publish_folder(REPO, release, "release-20250101T000000Z")
    second = make_folder(tmp_path / "second", {"model.onnx": b"new", "only_in_second.txt": b"2"})
    write_manifest(second, **{**MANIFEST_FIELDS, "version": "release-20250201T000000Z"})
    hub.publish_folder(REPO, second, "release-20250201T000000Z")

    later = hub.download(REPO, "release-20250201T000000Z", tmp_path / "later")
    assert read_tree(later) == read_tree(second) and verify_manifest(later) == []
    earlier = hub.download(REPO, "release-20250101T000000Z", tmp_path / "earlier")
    assert read_tree(earlier) == read_tree(release), "an earlier tag still downloads exactly its release"


def test_tags_listed_in_no_particular_order_give_the_newest_release_by_time(release):
    hub = HuggingFaceHub(api=FakeHfApi())
    times = ["20250301T000000Z", "20250101T000000Z", "20251201T000000Z", "20250201T000000Z", "20250601T000000Z"]
    for moment in times:
        hub.publish_folder(REPO, release, f"release-{moment}")
    assert hub.list_revisions(REPO) == [f"release-{moment}" for moment in sorted(times)]
    assert hub.latest_revision(REPO) == "release-20251201T000000Z"


def test_tags_and_folders_that_are_not_releases_are_ignored_not_latest(hub, release):
    hub.publish_folder(REPO, release, "release-20250101T000000Z")
    for other in ("v1", "zz-experiment", "release-candidate"):
        hub.publish_folder(REPO, release, other)
    assert hub.list_revisions(REPO) == ["release-20250101T000000Z"]
    assert hub.latest_revision(REPO) == "release-20250101T000000Z"


def test_dataset_revisions_order_by_time_including_their_microseconds(hub, release):
    for revision in ("dataset-20250101T000000.500000Z", "dataset-20250101T000000Z", "dataset-20250101T000001Z"):
        hub.publish_folder(REPO, release, revision, repo_type="dataset")
    assert hub.list_revisions(REPO, repo_type="dataset") == [
        "dataset-20250101T000000Z",
        "dataset-20250101T000000.500000Z",
        "dataset-20250101T000001Z",
    ]


@pytest.mark.parametrize(
    ("status", "advice"),
    [(401, "check HF_TOKEN"), (403, "lacks access"), (429, "rate limited"), (500, "try again later")],
)
@pytest.mark.parametrize("method", ["list_repo_refs", "snapshot_download"])
def test_hub_http_failures_say_what_to_do_and_never_show_the_token(release, tmp_path, status, advice, method):
    api = FakeHfApi()
    hub = HuggingFaceHub(token="hf_secret_token_value", api=api)
    hub.publish_folder(REPO, release, "release-20250101T000000Z")
    api.fail_next(method, status)
    with pytest.raises(HubError, match=f"HTTP {status}, .*{advice}") as raised:
        if method == "list_repo_refs":
            hub.latest_revision(REPO)
        else:
            hub.download(REPO, "release-20250101T000000Z", tmp_path / "out")
    assert "hf_secret_token_value" not in str(raised.value)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir()), "nothing half-downloaded"


def test_a_tag_without_the_revisions_folder_is_not_taken_for_a_release(tmp_path, release):
    api = FakeHfApi()
    hub = HuggingFaceHub(api=api)
    api.create_repo(REPO, repo_type="model")
    commit = api.upload_folder(repo_id=REPO, folder_path=str(release), repo_type="model")  # at the repo root
    api.create_tag(REPO, tag="release-20250101T000000Z", revision=commit.oid, repo_type="model")
    with pytest.raises(RevisionNotFoundError, match="holds no release-20250101T000000Z/ folder"):
        hub.download(REPO, "release-20250101T000000Z", tmp_path / "out")


def test_huggingface_existing_tag_refused_before_uploading(release):
    api = FakeHfApi()
    hub = HuggingFaceHub(api=api)
    hub.publish_folder(REPO, release, "release-20250101T000000Z")

    with pytest.raises(RevisionExistsError):
        hub.publish_folder(REPO, release, "release-20250101T000000Z")
    assert len(api.repos[("model", REPO)]["commits"]) == 2, "the repo's initial commit and the one release"


def test_huggingface_tag_created_concurrently_is_reported_as_existing(release):
    api = FakeHfApi()
    hub = HuggingFaceHub(api=api)
    original_upload = api.upload_folder

    def upload_then_lose_race(**kwargs):
        commit = original_upload(**kwargs)
        api.repos[("model", REPO)]["tags"]["release-20250101T000000Z"] = "someone-else"
        return commit

    api.upload_folder = upload_then_lose_race
    with pytest.raises(RevisionExistsError, match="concurrently"):
        hub.publish_folder(REPO, release, "release-20250101T000000Z")


def test_huggingface_download_leaves_only_release_files(release, tmp_path):
    hub = HuggingFaceHub(api=FakeHfApi())
    write_manifest(release, **MANIFEST_FIELDS)
    hub.publish_folder(REPO, release, "release-20250101T000000Z")

    downloaded = hub.download(REPO, "release-20250101T000000Z", tmp_path / "out")

    assert not (downloaded / ".cache").exists()
    assert verify_manifest(downloaded) == []


# --- manifest ----------------------------------------------------------------------------------


def test_manifest_lists_every_file_except_itself_with_sha256_and_size(release):
    manifest = write_manifest(release, **MANIFEST_FIELDS)

    on_disk = json.loads((release / "manifest.json").read_text())
    assert on_disk == manifest
    assert set(on_disk["files"]) == {"model.onnx", "nested/labels.json"}
    assert on_disk["files"]["nested/labels.json"] == {
        "sha256": hashlib.sha256(b'["O"]').hexdigest(),
        "size": 5,
    }
    assert verify_manifest(release) == []


def test_manifest_requires_the_agreed_fields(release):
    fields = {k: v for k, v in MANIFEST_FIELDS.items() if k != "dataset_revision"}
    with pytest.raises(ValueError, match="dataset_revision"):
        write_manifest(release, **fields)


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda f: (f / "model.onnx").write_bytes(b"\x08\x07onnY"), "model.onnx: sha256 does not match"),
        (lambda f: (f / "model.onnx").write_bytes(b"\x08"), "model.onnx: size 1 != manifest 6"),
        (lambda f: (f / "nested/labels.json").unlink(), "nested/labels.json: listed in manifest.json but missing"),
        (lambda f: (f / "extra.bin").write_bytes(b"x"), "extra.bin: present but not listed"),
        (lambda f: (f / "manifest.json").unlink(), "manifest.json: missing"),
        (lambda f: (f / "manifest.json").write_text("{not json"), "not valid JSON"),
    ],
)
def test_verify_manifest_names_the_file_and_the_problem(release, tamper, expected):
    write_manifest(release, **MANIFEST_FIELDS)
    tamper(release)

    problems = verify_manifest(release)

    assert len(problems) == 1 and expected in problems[0], problems


def test_verify_manifest_checks_label_count(release):
    write_manifest(release, **{**MANIFEST_FIELDS, "num_labels": 4})
    assert verify_manifest(release) == ["manifest.json: num_labels=4 but 3 labels listed"]


def test_file_inventory_is_relative_posix_paths(release):
    assert sorted(file_inventory(release)) == ["model.onnx", "nested/labels.json"]


def test_release_versions_sort_by_time():
    earlier = new_release_version(datetime(2025, 1, 9, 23, 59, 59, tzinfo=UTC))
    later = new_release_version(datetime(2025, 1, 10, 0, 0, 0, tzinfo=UTC))

    assert earlier == "release-20250109T235959Z"
    assert sorted([later, earlier]) == [earlier, later]
