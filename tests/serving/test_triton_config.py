from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from google.protobuf import text_format
from tritonclient.grpc import model_config_pb2

from oceanid_dagster.domain.labels import NUM_BIO_TAGS
from oceanid_dagster.serving.triton_config import (
    TRITON_NER_MODEL_NAME,
    NerTritonSettings,
    TritonConfigError,
    ner_model_config,
    output_dims,
    output_width,
)
from tests.serving.pdfs import make_pdf

REPO_ROOT = Path(__file__).resolve().parents[2]
TRITON_MODELS = REPO_ROOT / "triton-models"


def parse(text: str) -> model_config_pb2.ModelConfig:
    return text_format.Parse(text, model_config_pb2.ModelConfig())


def test_committed_ner_config_is_the_generated_one():
    committed = (TRITON_MODELS / TRITON_NER_MODEL_NAME / "config.pbtxt").read_text()
    assert committed == ner_model_config(), "regenerate with: python scripts/write_triton_config.py"


def test_ner_config_is_a_valid_triton_model_config_matching_the_label_schema():
    config = parse(ner_model_config())
    FP32, INT64 = model_config_pb2.TYPE_FP32, model_config_pb2.TYPE_INT64

    assert config.name == TRITON_NER_MODEL_NAME
    assert config.platform == "onnxruntime_onnx"
    assert config.max_batch_size > 0  # the batch dimension is implicit
    assert [(t.name, t.data_type, list(t.dims)) for t in config.input] == [
        ("input_ids", INT64, [-1]),
        ("attention_mask", INT64, [-1]),
    ]
    assert [(t.name, t.data_type, list(t.dims)) for t in config.output] == [("logits", FP32, [-1, NUM_BIO_TAGS])]
    assert config.HasField("dynamic_batching")
    assert [g.kind for g in config.instance_group] == [model_config_pb2.ModelInstanceGroup.KIND_GPU]
    assert config.version_policy.WhichOneof("policy_choice") == "latest"
    assert config.version_policy.latest.num_versions == 1


@pytest.mark.parametrize("num_labels", [3, NUM_BIO_TAGS, 101])
def test_output_width_reader_agrees_with_triton_protobuf_in_both_spellings(num_labels):
    generated = ner_model_config(num_labels=num_labels)
    protobuf_spelling = text_format.MessageToString(parse(generated))  # "output { dims: -1 dims: N }"

    for text in (generated, protobuf_spelling):
        assert output_dims(text) == list(parse(text).output[0].dims)
        assert output_width(text) == num_labels


def test_output_width_reader_reports_a_missing_output():
    with pytest.raises(TritonConfigError, match="no output named 'logits'"):
        output_width(ner_model_config().replace('"logits"', '"scores"'))


def test_settings_keep_the_batch_dimension_implicit():
    with pytest.raises(ValueError, match="max_batch_size"):
        NerTritonSettings(max_batch_size=0)
    with pytest.raises(ValueError, match="preferred batch sizes"):
        NerTritonSettings(max_batch_size=8, preferred_batch_sizes=(16,))


# --- docling_granite_python ------------------------------------------------------------------


def test_docling_config_is_a_valid_python_backend_config():
    config = parse((TRITON_MODELS / "docling_granite_python" / "config.pbtxt").read_text())
    STRING = model_config_pb2.TYPE_STRING

    assert config.backend == "python"
    assert {(t.name, t.data_type) for t in config.input} == {("pdf_data", STRING), ("prompt", STRING), ("text", STRING)}
    assert [(t.name, t.data_type) for t in config.output] == [("response", STRING)]


@pytest.fixture(scope="module")
def docling_model():
    path = TRITON_MODELS / "docling_granite_python" / "1" / "model.py"
    spec = importlib.util.spec_from_file_location("docling_granite_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docling_model_reads_the_pdf_text_layer_without_docling(docling_model, tmp_path):
    pdf = make_pdf(tmp_path / "doc.pdf", ["TAISEI MARU NO.24 IMO 9123456", "Flag: Vanuatu"])

    response = docling_model.build_response(pdf, prompt="extract vessels", text=None, converter=None)

    pages = response["text"].split("\f")
    assert "TAISEI MARU NO.24 IMO 9123456" in pages[0] and "Flag: Vanuatu" in pages[1]
    assert response["tables"] == []
    assert response["metadata"]["engine"] == docling_model.ENGINE_TEXT_LAYER
    assert response["metadata"]["pages"] == 2
    assert response["metadata"]["prompt"] == "extract vessels"


def test_docling_model_passes_text_through_in_the_same_shape(docling_model):
    response = docling_model.build_response(None, prompt=None, text="IMO 9123456", converter=None)
    assert response == {"text": "IMO 9123456", "tables": [], "metadata": {"engine": "text_passthrough", "prompt": None}}


def test_docling_model_rejects_unreadable_pdf_and_empty_request(docling_model):
    with pytest.raises(docling_model.ConversionError, match="pdf_data is not a readable PDF"):
        docling_model.build_response(b"not a pdf", None, None)
    with pytest.raises(docling_model.ConversionError, match="pdf_data or text"):
        docling_model.build_response(None, None, None)
