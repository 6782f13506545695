import hashlib
import json
import re
import shutil
from datetime import UTC, datetime

import pytest

from oceanid_dagster.domain.labels import BIO_TAGS
from oceanid_dagster.serving.hub_client import read_manifest, verify_manifest
from oceanid_dagster.serving.triton_config import output_width
from oceanid_dagster.training.release import ReleaseError, build_release
from tests.inference.tiny_model import gold_spans, metrics_with_f1

RELEASE_FILES = {
    "model.onnx",
    "model_int8.onnx",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "vocab.txt",
    "special_tokens_map.json",
    "labels.json",
    "config.pbtxt",
    "README.md",
    "manifest.json",
}


def test_release_folder_has_every_file_and_a_verifiable_manifest(release_folder):
    assert {path.name for path in release_folder.iterdir()} == RELEASE_FILES
    assert verify_manifest(release_folder) == []
    manifest = read_manifest(release_folder)
    assert set(manifest["files"]) == RELEASE_FILES - {"manifest.json"}
    onnx_bytes = (release_folder / "model.onnx").read_bytes()
    assert manifest["files"]["model.onnx"] == {
        "sha256": hashlib.sha256(onnx_bytes).hexdigest(),
        "size": len(onnx_bytes),
    }


def test_manifest_records_version_provenance_labels_and_metrics(release_folder):
    manifest = read_manifest(release_folder)
    assert re.fullmatch(r"release-\d{8}T\d{6}Z", manifest["version"])
    assert manifest["version"] == release_folder.name
    assert manifest["triton_model_name"] == "distilbert-base-uncased"
    assert (manifest["base_model"], manifest["dataset_revision"]) == ("tiny-distilbert", "dataset-test-1")
    assert manifest["labels"] == list(BIO_TAGS) == json.loads((release_folder / "labels.json").read_text())
    assert manifest["num_labels"] == len(BIO_TAGS)
    assert manifest["metrics"] == metrics_with_f1(0.9)
    datetime.fromisoformat(manifest["created_at"])


def test_triton_config_declares_one_logit_per_label(release_folder):
    assert output_width((release_folder / "config.pbtxt").read_text()) == len(BIO_TAGS)


def test_model_card_shows_the_metrics(release_folder):
    card = (release_folder / "README.md").read_text()
    assert "| overall | 0.9000 | 0.9000 | 0.9000 |" in card
    assert "tiny-distilbert" in card and "dataset-test-1" in card


def _build(exported_model, out_dir, model_folder=None, created_at=None):
    return build_release(
        model_folder or exported_model.tiny.folder,
        exported_model.fp32,
        exported_model.int8,
        metrics=metrics_with_f1(0.5),
        base_model="tiny-distilbert",
        dataset_revision="dataset-test-2",
        out_dir=out_dir,
        created_at=created_at,
    )


def test_a_release_version_is_never_overwritten(exported_model, tmp_path):
    created_at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = _build(exported_model, tmp_path, created_at=created_at)
    assert first.name == "release-20260102T030405Z"
    with pytest.raises(FileExistsError, match="immutable"):
        _build(exported_model, tmp_path, created_at=created_at)
    assert verify_manifest(first) == []


def test_missing_tokenizer_file_is_named(exported_model, tmp_path):
    model_folder = shutil.copytree(exported_model.tiny.folder, tmp_path / "model")
    (model_folder / "vocab.txt").unlink()
    with pytest.raises(ReleaseError, match=r"vocab\.txt is missing"):
        _build(exported_model, tmp_path / "releases", model_folder=model_folder)
    assert list((tmp_path / "releases").iterdir()) == []  # no half-built release left behind


def test_model_labels_must_match_the_label_schema(exported_model, tmp_path):
    model_folder = shutil.copytree(exported_model.tiny.folder, tmp_path / "model")
    config = json.loads((model_folder / "config.json").read_text())
    config["id2label"] = {"0": "O", "1": "B-SHIP"}
    (model_folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(ReleaseError, match=r"config\.json: id2label .* differs from the label schema"):
        _build(exported_model, tmp_path / "releases", model_folder=model_folder)


def test_release_loads_into_a_transformers_pipeline_through_optimum(release_folder, tiny_model):
    from optimum.onnxruntime import ORTModelForTokenClassification
    from transformers import AutoTokenizer, pipeline

    model = ORTModelForTokenClassification.from_pretrained(release_folder)
    assert model.path.name == "model.onnx"  # the fp32 model; the int8 one is for our own CPU path
    ner = pipeline(
        "token-classification",
        model=model,
        tokenizer=AutoTokenizer.from_pretrained(release_folder),
        aggregation_strategy="first",
    )
    sentence = tiny_model.eval_sentences[0]
    entities = [(entity["entity_group"], entity["word"], entity["start"]) for entity in ner(sentence.text)]
    assert entities == gold_spans([sentence])


# --- champion / challenger ---------------------------------------------------------------------
