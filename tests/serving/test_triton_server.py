"""TritonResource against a real Triton Inference Server (pytriton's bundled tritonserver).

Needs the Triton venv: ``services/triton/install.sh`` (creates .venv-triton).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
import tritonclient.http as httpclient
from dagster import EnvVar, build_resources

from oceanid_dagster.defs.resources.triton import (
    TritonAccessDeniedError,
    TritonError,
    TritonModelNotReadyError,
    TritonResource,
    TritonUnavailableError,
)
from oceanid_dagster.domain.labels import NUM_BIO_TAGS
from tests.serving.cloudflare_gate import CloudflareGate
from tests.serving.pdfs import make_pdf
from tests.serving.releases import VOCAB_SIZE, expected_logits, tiny_ner_onnx
from tests.serving.triton_server import free_port, running_triton

pytestmark = pytest.mark.e2e

REPO_ROOT = Path(__file__).resolve().parents[2]
CF_ID, CF_SECRET = "test-client.access", "s3cret-service-token-value"


@pytest.fixture(scope="module")
def triton_url(tmp_path_factory):
    work = tmp_path_factory.mktemp("triton")
    model = tiny_ner_onnx(work / "model.onnx", NUM_BIO_TAGS)
    with running_triton(model, work, python_models=(REPO_ROOT / "triton-models" / "docling_granite_python",)) as url:
        yield url


@pytest.fixture
def gate(triton_url):
    with CloudflareGate(triton_url, CF_ID, CF_SECRET) as running:
        yield running


def resource(url: str, **overrides) -> TritonResource:
    settings = {"base_url": url, "cf_access_client_id": CF_ID, "cf_access_client_secret": CF_SECRET, "backoff_s": 0.01}
    return TritonResource(**{**settings, **overrides})


def sample_batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    input_ids = rng.integers(0, VOCAB_SIZE, size=(3, 9), dtype=np.int64)
    attention_mask = np.ones_like(input_ids)
    attention_mask[1, 6:] = 0  # a padded sequence
    attention_mask[2, 2:] = 0
    return input_ids, attention_mask


def test_health_and_model_metadata_through_cloudflare_access(gate):
    triton = resource(gate.url)

    assert triton.server_ready() and triton.model_ready()
    metadata = triton.model_metadata()
    assert metadata["name"] == "distilbert-base-uncased"
    assert {i["name"]: i["datatype"] for i in metadata["inputs"]} == {"input_ids": "INT64", "attention_mask": "INT64"}
    assert [(o["name"], o["shape"][-1]) for o in metadata["outputs"]] == [("logits", NUM_BIO_TAGS)]


def test_infer_logits_sends_and_receives_binary_tensors(gate):
    input_ids, attention_mask = sample_batch()

    logits = resource(gate.url).infer_logits(input_ids, attention_mask)

    assert logits.dtype == np.float32 and logits.shape == (3, 9, NUM_BIO_TAGS)
    np.testing.assert_allclose(logits, expected_logits(input_ids, attention_mask, NUM_BIO_TAGS), rtol=0, atol=1e-6)
    [request] = [r for r in gate.state.requests if r.get("Content-Type") == "application/octet-stream"]
    assert int(request["Inference-Header-Content-Length"]) < int(request["Content-Length"])  # JSON header + raw bytes
    assert any("Inference-Header-Content-Length" in r for r in gate.state.responses)


def test_every_request_carries_the_cloudflare_access_service_token(gate):
    triton = resource(gate.url)
    triton.server_ready()
    triton.model_metadata()
    triton.infer_logits(*sample_batch())

    assert len(gate.state.requests) == 3
    assert all(
        r["CF-Access-Client-Id"] == CF_ID and r["CF-Access-Client-Secret"] == CF_SECRET for r in gate.state.requests
    )


def test_cloudflare_access_credentials_can_come_from_env_vars(gate, monkeypatch):
    monkeypatch.setenv("TEST_CF_ID", CF_ID)
    monkeypatch.setenv("TEST_CF_SECRET", CF_SECRET)
    configured = TritonResource(
        base_url=gate.url, cf_access_client_id=EnvVar("TEST_CF_ID"), cf_access_client_secret=EnvVar("TEST_CF_SECRET")
    )
    with build_resources({"triton": configured}) as resources:
        assert resources.triton.infer_logits(*sample_batch()).shape == (3, 9, NUM_BIO_TAGS)


def test_wrong_service_token_is_a_clear_error_without_the_secret(gate):
    with pytest.raises(TritonAccessDeniedError, match="CF_ACCESS_CLIENT_SECRET") as raised:
        resource(gate.url, cf_access_client_secret="wrong-secret-value").infer_logits(*sample_batch())

    assert "wrong-secret-value" not in str(raised.value) and raised.value.__cause__ is None


def test_model_that_is_not_loaded_gives_a_model_not_ready_error(gate):
    triton = resource(gate.url, model_name="vessel-ner-not-installed")

    assert triton.server_ready() and not triton.model_ready()
    with pytest.raises(
        TritonModelNotReadyError, match="'vessel-ner-not-installed' is not ready on Triton at http://127.0.0.1"
    ):
        triton.infer_logits(*sample_batch())
    with pytest.raises(TritonModelNotReadyError, match="oceanid-model-puller"):
        triton.model_metadata()


def test_an_explicit_version_is_called(gate):
    assert resource(gate.url, model_version="1").model_ready()
    with pytest.raises(TritonModelNotReadyError, match="version 7"):
        resource(gate.url, model_version="7").infer_logits(*sample_batch())


def test_gateway_errors_are_retried(gate):
    gate.state.failures_left = 2

    logits = resource(gate.url, retries=3).infer_logits(*sample_batch())

    assert logits.shape == (3, 9, NUM_BIO_TAGS) and len(gate.state.requests) == 3


def test_gateway_errors_beyond_the_retries_are_reported(gate):
    gate.state.failures_left = 10

    with pytest.raises(TritonUnavailableError, match="HTTP 502 after 2 attempts"):
        resource(gate.url, retries=1).server_ready()
    assert len(gate.state.requests) == 2


def test_unreachable_server_is_reported_after_retries():
    closed = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(TritonUnavailableError, match=f"Triton at {closed} unreachable after 2 attempts"):
        resource(closed, retries=1).infer_logits(*sample_batch())


def test_unconfigured_and_malformed_calls_fail_before_any_request():
    with pytest.raises(TritonError, match="TRITON_BASE_URL"):
        TritonResource().server_ready()
    with pytest.raises(TritonError, match="both CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET"):
        TritonResource(base_url="http://127.0.0.1:9", cf_access_client_id="only-id").server_ready()
    with pytest.raises(ValueError, match=r"\[batch, sequence\]"):
        TritonResource(base_url="http://127.0.0.1:9").infer_logits(np.zeros((2, 3)), np.zeros((2, 4)))


def test_docling_granite_python_model_answers_with_pdf_text(triton_url, tmp_path):
    pdf = make_pdf(tmp_path / "notice.pdf", ["Vessel TAISEI MARU NO.24, IMO 9123456, flag Vanuatu"])
    client = httpclient.InferenceServerClient(triton_url.removeprefix("http://"))
    inputs = []
    for name, value in (("pdf_data", pdf), ("prompt", b"Convert this page to docling.")):
        tensor = httpclient.InferInput(name, [1], "BYTES")
        tensor.set_data_from_numpy(np.array([value], dtype=np.object_))
        inputs.append(tensor)

    result = client.infer("docling_granite_python", inputs)

    response = json.loads(result.as_numpy("response")[0])
    assert "TAISEI MARU NO.24, IMO 9123456" in response["text"]
    assert response["metadata"]["pages"] == 1 and response["metadata"]["prompt"] == "Convert this page to docling."
    assert response["metadata"]["engine"] in ("docling", "pypdfium2_text_layer")


def test_docling_granite_python_model_reports_a_bad_pdf(triton_url):
    client = httpclient.InferenceServerClient(triton_url.removeprefix("http://"))
    tensor = httpclient.InferInput("pdf_data", [1], "BYTES")
    tensor.set_data_from_numpy(np.array([b"not a pdf"], dtype=np.object_))

    with pytest.raises(Exception, match="pdf_data is not a readable PDF"):
        client.infer("docling_granite_python", [tensor])


def test_docling_convert_sends_the_configs_contract_through_cloudflare_access(gate, tmp_path):
    pdf = make_pdf(tmp_path / "notice.pdf", ["Vessel TAISEI MARU NO.24, IMO 9123456, flag Vanuatu"])
    response = resource(gate.url).docling_convert(pdf)
    assert "TAISEI MARU NO.24, IMO 9123456" in response["text"]
    assert response["metadata"]["engine"] in ("docling", "pypdfium2_text_layer")


def test_the_ocr_engine_reads_scanned_pages_through_triton_docling(triton_url):
    from PIL import Image

    from oceanid_dagster.defs.resources.ocr_engine import OcrEngineResource, image_as_pdf

    image = Image.new("L", (200, 100), 255)
    png = io.BytesIO()
    image.save(png, format="PNG")
    engine = OcrEngineResource(engine="triton_docling", triton=TritonResource(base_url=triton_url))
    text, confidence = engine._ocr_page_function()(png.getvalue())  # a blank scan: no text, no error
    assert text.strip() == "" and confidence is None
    assert image_as_pdf(png.getvalue()).startswith(b"%PDF")
    assert engine.engine_versions()["remote"] == "docling_granite_python on 127.0.0.1"


def test_cloudflare_credentials_never_go_over_plain_http_off_loopback():
    remote = resource("http://triton.example.org")
    with pytest.raises(TritonError, match="refusing to send Cloudflare Access credentials over http"):
        remote.server_ready()
    with pytest.raises(TritonUnavailableError):  # loopback over http is allowed (an SSH tunnel, tests)
        resource(f"http://127.0.0.1:{free_port()}", retries=0).server_ready()
