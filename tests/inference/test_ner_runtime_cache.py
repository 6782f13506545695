"""The Dagster-side release cache: a release is used only once it is complete and verified."""

import pytest

from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource, ReleaseCacheError
from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.inference.extractors import ModelExtractor
from oceanid_dagster.serving.hub_client import LocalFolderHub, verify_manifest


@pytest.fixture
def published(release_folder, tmp_path):
    hub = ModelHubResource(local_dir=str(tmp_path / "hub"))
    hub.client().publish_folder(hub.model_repo, release_folder, release_folder.name)
    runtime = NerRuntimeResource(models_cache_dir=str(tmp_path / "models"), model_hub=hub, triton=TritonResource())
    return hub, runtime, tmp_path / "models" / release_folder.name


def test_a_partial_cached_release_is_fetched_again_not_used(published):
    _, runtime, cached = published
    runtime.load_extractor()
    (cached / "model_int8.onnx").unlink()  # what a crash mid-download used to leave for good
    extractor = runtime.load_extractor()
    assert isinstance(extractor, ModelExtractor) and verify_manifest(cached) == []


def test_a_download_that_fails_its_manifest_is_refused_and_nothing_is_cached(published):
    hub, runtime, cached = published
    stored = hub.client().repo_dir(hub.model_repo) / cached.name
    (stored / "labels.json").write_text('["O"]')  # the hub's copy no longer matches its manifest
    with pytest.raises(ReleaseCacheError, match=r"fails its manifest: labels\.json"):
        runtime.load_extractor()
    assert not cached.exists()
    assert not [entry for entry in cached.parent.iterdir() if entry.name.startswith(".tmp-")], "no staging left"


def test_a_complete_cached_release_is_not_downloaded_again(published, monkeypatch):
    _, runtime, cached = published
    downloads = []
    original = LocalFolderHub.download
    monkeypatch.setattr(
        LocalFolderHub, "download", lambda self, *args, **kw: downloads.append(args) or original(self, *args, **kw)
    )
    runtime.load_extractor()
    runtime.load_extractor()
    assert len(downloads) == 1 and verify_manifest(cached) == []
