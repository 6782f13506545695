"""A release built by the training code goes through the hub and the puller into Triton, and the
pipeline's Triton path finds the same entities as local ONNX Runtime on the same release."""

from __future__ import annotations

import numpy as np
import pytest

from oceanid_dagster.defs.resources.triton import TritonResource
from oceanid_dagster.inference.runtime import NerDecoder, OnnxNerModel, OrtLogits
from oceanid_dagster.serving import puller
from oceanid_dagster.serving.hub_client import LocalFolderHub, verify_manifest
from tests.serving.triton_server import NER_MODEL, running_triton

pytestmark = pytest.mark.e2e

REPO_ID = "oceanid/vessel-ner"
TEXTS = [
    "vessel taisei maru imo 9123456 flag vanuatu",
    "the vessel ocean star listed by registry see notes on flag panama",
]


@pytest.fixture(scope="module")
def installed_version(release_folder, tmp_path_factory):
    work = tmp_path_factory.mktemp("release_to_triton")
    hub = LocalFolderHub(work / "hub")
    hub.publish_folder(REPO_ID, release_folder, release_folder.name)
    (work / "triton").mkdir()
    config = puller.PullerConfig(repository=work / "triton", repo_id=REPO_ID, hub_dir=work / "hub")

    assert puller.pull(config, hub) == puller.EXIT_OK
    return work / "triton" / NER_MODEL / "1"


@pytest.fixture(scope="module")
def triton(installed_version, tmp_path_factory):
    with running_triton(installed_version / "model.onnx", tmp_path_factory.mktemp("triton_log")) as url:
        yield TritonResource(base_url=url)


def test_puller_installs_the_training_release_intact(installed_version, release_folder):
    assert verify_manifest(installed_version) == []
    assert (installed_version.parent / "config.pbtxt").read_text() == (release_folder / "config.pbtxt").read_text()


def test_triton_logits_match_local_onnx_runtime(installed_version, triton):
    decoder = NerDecoder.from_folder(installed_version)
    encoded = decoder.encode_windows(TEXTS)
    input_ids, attention_mask = encoded.model_inputs(0, len(encoded.windows), pad_id=0)

    served = triton.infer_logits(input_ids, attention_mask)

    local = OrtLogits(installed_version / "model.onnx")(input_ids, attention_mask)
    np.testing.assert_allclose(served, local, rtol=1e-4, atol=1e-4)


def test_entities_through_triton_equal_entities_from_local_onnx(installed_version, triton):
    through_triton = OnnxNerModel(NerDecoder.from_folder(installed_version), triton.infer_logits)
    local = OnnxNerModel.load(installed_version, quantized=False)

    spans = through_triton.predict_batch(TEXTS)

    assert spans == local.predict_batch(TEXTS)
    assert any(span.label == "VESSEL_NAME" for span in spans[0])


def test_ner_runtime_sends_extraction_to_triton_when_configured(release_folder, triton, tmp_path):
    from oceanid_dagster.defs.resources.model_hub import ModelHubResource
    from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource

    hub = ModelHubResource(local_dir=str(tmp_path / "hub"), model_repo=REPO_ID)
    hub.client().publish_folder(REPO_ID, release_folder, release_folder.name)
    runtime = NerRuntimeResource(models_cache_dir=str(tmp_path / "models"), model_hub=hub, triton=triton)

    extractor = runtime.load_extractor()
    found = extractor.extract_pages(TEXTS)

    assert extractor.source == "model" and extractor.model.logits_fn == triton.infer_logits
    local = OnnxNerModel.load(release_folder, quantized=False).predict_batch(TEXTS)
    assert [[s for s in page.spans if s.label != "IMO"] for page in found] == [
        [s for s in page if s.label != "IMO"] for page in local
    ]


def test_entities_record_the_model_version_triton_served(release_folder, triton, tmp_path):
    from oceanid_dagster.defs.resources.model_hub import ModelHubResource
    from oceanid_dagster.defs.resources.ner_runtime import NerRuntimeResource

    hub = ModelHubResource(local_dir=str(tmp_path / "hub"), model_repo=REPO_ID)
    hub.client().publish_folder(REPO_ID, release_folder, release_folder.name)
    extractor = NerRuntimeResource(
        models_cache_dir=str(tmp_path / "models"), model_hub=hub, triton=triton
    ).load_extractor()
    extractor.extract_pages(TEXTS[:1])
    assert extractor.version.startswith(f"{release_folder.name}@triton:{triton.model_name}/")
    assert extractor.version.rsplit("/", 1)[1].isdigit()
