import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

from oceanid_dagster.domain.labels import LABEL2ID, NUM_BIO_TAGS
from oceanid_dagster.inference.runtime import OrtLogits
from oceanid_dagster.training.onnx_export import (
    INT8_VARIANTS,
    TokenizedExamples,
    check_fp32_parity,
    check_int8_quality,
    choose_int8,
    optimum_export,
    quantize_int8,
    torch_export,
)


def _save_biased_copy(model_folder: Path, target: Path, tag: str) -> Path:
    """The model with its classifier pushed towards ``tag``: a model that disagrees with the original."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(str(model_folder))
    with torch.no_grad():
        model.classifier.bias[LABEL2ID[tag]] += 50.0
    model.save_pretrained(target)
    AutoTokenizer.from_pretrained(str(model_folder)).save_pretrained(target)
    return target


def test_optimum_export_has_dynamic_batch_and_sequence_axes_and_one_logit_per_tag(tiny_model, tmp_path):
    session = OrtLogits(optimum_export(tiny_model.folder, tmp_path))
    for batch, length in [(1, 5), (3, 41)]:
        ids = np.full((batch, length), 7, dtype=np.int64)
        assert session(ids, np.ones_like(ids)).shape == (batch, length, NUM_BIO_TAGS)


def test_a_batch_run_in_slices_on_worker_threads_gives_one_run_s_logits_in_row_order(exported_model):
    """Slices of the batch run concurrently (2 rows each here) and come back in their rows' order,
    with the logits of the whole batch in one single-threaded run; rows of different content so
    that a swap would show."""
    rng = np.random.default_rng(0)
    ids = rng.integers(5, 100, size=(7, 16), dtype=np.int64)
    mask = np.ones_like(ids)
    mask[3, 10:] = 0
    whole = OrtLogits(exported_model.fp32, threads=1, tokens_per_run=10_000)(ids, mask)
    sliced_session = OrtLogits(exported_model.fp32, threads=3, tokens_per_run=32)
    sliced = sliced_session(ids, mask)
    assert sliced.shape == whole.shape == (7, 16, NUM_BIO_TAGS)
    np.testing.assert_allclose(sliced, whole, atol=1e-5)
    assert not np.allclose(sliced[0], sliced[1], atol=1e-3)
    # a batch smaller than the token budget is still shared out: one row per worker, at most
    np.testing.assert_allclose(sliced_session(ids[:2], mask[:2]), whole[:2], atol=1e-5)


def test_fp32_export_matches_pytorch(exported_model):
    tiny = exported_model.tiny
    outcome = check_fp32_parity(tiny.folder, exported_model.fp32, tiny.eval_examples, pad_id=tiny.pad_id)
    assert outcome.passed, outcome
    assert outcome.value <= 1e-4


def test_torch_fallback_export_matches_pytorch(tiny_model, tmp_path):
    onnx_path = torch_export(tiny_model.folder, tmp_path / "model.onnx")
    outcome = check_fp32_parity(tiny_model.folder, onnx_path, tiny_model.eval_examples, pad_id=tiny_model.pad_id)
    assert outcome.passed, outcome


def test_parity_check_fails_for_a_different_model(tiny_model, tmp_path):
    other = _save_biased_copy(tiny_model.folder, tmp_path / "biased", "B-FLAG")
    outcome = check_fp32_parity(
        tiny_model.folder, torch_export(other, tmp_path / "biased.onnx"), tiny_model.eval_examples
    )
    assert not outcome.passed
    assert outcome.value > 1.0


def test_int8_model_is_quantised_and_agrees_with_fp32(exported_model):
    graph_ops = {node.op_type for node in onnx.load(str(exported_model.int8)).graph.node}
    assert {"DynamicQuantizeLinear", "MatMulInteger"} & graph_ops
    assert exported_model.int8.stat().st_size < exported_model.fp32.stat().st_size

    agreement, f1_drop = check_int8_quality(
        exported_model.fp32, exported_model.int8, exported_model.tiny.eval_examples, pad_id=exported_model.tiny.pad_id
    )
    assert agreement.passed and agreement.value >= 0.99, agreement
    assert f1_drop.passed and f1_drop.value <= 0.01, f1_drop
    # the trained tiny model does find the entities, so the F1 comparison means something
    assert f1_drop.details["f1_fp32"] > 0.9


def test_int8_checks_fail_when_the_quantised_model_disagrees(exported_model, tmp_path):
    tiny = exported_model.tiny
    broken = quantize_int8(
        torch_export(_save_biased_copy(tiny.folder, tmp_path / "biased", "B-PORT"), tmp_path / "b.onnx")
    )
    agreement, f1_drop = check_int8_quality(exported_model.fp32, broken, tiny.eval_examples, pad_id=tiny.pad_id)
    assert not agreement.passed and agreement.value < 0.5
    assert not f1_drop.passed and f1_drop.details["f1_int8"] < f1_drop.details["f1_fp32"] - 0.5


def test_int8_check_needs_labelled_examples(exported_model):
    with pytest.raises(ValueError, match="labelled"):
        check_int8_quality(exported_model.fp32, exported_model.int8, TokenizedExamples([[2, 5, 3]]))


def test_examples_with_mismatched_labels_are_rejected():
    with pytest.raises(ValueError, match="example 0: 3 input ids but 2 labels"):
        TokenizedExamples([[2, 5, 3]], [[-100, 1]])


def test_the_first_int8_variant_that_holds_accuracy_is_served(exported_model, tmp_path):
    tiny = exported_model.tiny
    fp32 = Path(shutil.copy(exported_model.fp32, tmp_path / "model.onnx"))
    choice = choose_int8(fp32, tiny.eval_examples, pad_id=tiny.pad_id)
    assert choice.variant == "encoder_matmul_per_channel" and choice.cpu_precision == "int8"
    assert choice.path == tmp_path / "model_int8.onnx" and choice.path.is_file()
    # the token classifier stays an fp32 MatMul, the encoder's MatMuls are integer
    nodes = onnx.load(str(choice.path)).graph.node
    assert any(node.op_type == "MatMul" and "classifier" in node.name for node in nodes)
    assert sum(node.op_type == "MatMulInteger" for node in nodes) >= 6
    assert list(choice.measured) == ["encoder_matmul_per_channel"]


def test_when_no_int8_variant_holds_accuracy_the_release_serves_fp32_and_says_so(exported_model, tmp_path):
    from oceanid_dagster.inference.runtime import FP32_MODEL_FILE, INT8_MODEL_FILE, OnnxNerModel
    from oceanid_dagster.serving.hub_client import read_manifest, verify_manifest
    from oceanid_dagster.training.release import build_release
    from tests.inference.tiny_model import metrics_with_f1

    tiny = exported_model.tiny
    fp32 = Path(shutil.copy(exported_model.fp32, tmp_path / "model.onnx"))
    choice = choose_int8(fp32, tiny.eval_examples, pad_id=tiny.pad_id, min_agreement=1.01)  # unreachable
    assert choice.path is None and choice.cpu_precision == "fp32"
    assert set(choice.measured) == set(INT8_VARIANTS) and not any(m["passed"] for m in choice.measured.values())
    assert not list(tmp_path.glob("model_int8*")), "failed variants are not left behind"

    release = build_release(
        tiny.folder, fp32, None, metrics=metrics_with_f1(0.9), base_model="tiny", dataset_revision="d1",
        out_dir=tmp_path / "releases",
    )  # fmt: skip
    manifest = read_manifest(release)
    assert manifest["cpu_precision"] == "fp32" and manifest["cpu_model"] == FP32_MODEL_FILE
    assert not (release / INT8_MODEL_FILE).exists() and verify_manifest(release) == []
    assert "CPU inference of this release serves fp32" in (release / "config.pbtxt").read_text()
    assert "CPU inference serves `model.onnx`" in (release / "README.md").read_text()
    model = OnnxNerModel.load(release, quantized=True)
    assert model.version == release.name and model.predict("Vessel IBUKI IMO 9666481") is not None
