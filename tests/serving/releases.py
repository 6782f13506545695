"""Small but real release folders for the serving tests: a tiny ONNX token classifier + metadata."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from oceanid_dagster.domain.labels import BIO_TAGS
from oceanid_dagster.serving.hub_client import write_manifest
from oceanid_dagster.serving.triton_config import TRITON_NER_MODEL_NAME, ner_model_config

VOCAB_SIZE = 64


def logits_table(num_labels: int, vocab_size: int = VOCAB_SIZE) -> np.ndarray:
    """The model's weights: logits of token id i are row i (deterministic, so tests can predict them)."""
    ids = np.arange(vocab_size)[:, None]
    labels = np.arange(num_labels)[None, :]
    return (((ids * 7 + labels * 3) % 11) / 10.0 - 0.5).astype(np.float32)


def expected_logits(input_ids: np.ndarray, attention_mask: np.ndarray, num_labels: int) -> np.ndarray:
    return logits_table(num_labels)[input_ids] * attention_mask[..., None].astype(np.float32)


def tiny_ner_onnx(path: Path, num_labels: int) -> Path:
    """``logits[b, s] = table[input_ids[b, s]] * attention_mask[b, s]``, with the real NER I/O names."""
    table = numpy_helper.from_array(logits_table(num_labels), name="table")
    axes = numpy_helper.from_array(np.array([-1], dtype=np.int64), name="last_axis")
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["token_logits"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["token_logits", "mask_3d"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny_ner",
        inputs=[
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"]),
        ],
        outputs=[helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "sequence", num_labels])],
        initializer=[table, axes],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def build_release(
    folder: Path,
    version: str,
    labels: tuple[str, ...] = BIO_TAGS,
    onnx_width: int | None = None,
    config_width: int | None = None,
    model_name: str = TRITON_NER_MODEL_NAME,
    config_bytes: bytes | None = None,
    labels_bytes: bytes | None = None,
) -> Path:
    """A release folder in the agreed format (widths can be made to disagree, and the config or
    labels file replaced, to test the checks); the manifest always matches the files."""
    folder.mkdir(parents=True)
    tiny_ner_onnx(folder / "model.onnx", onnx_width or len(labels))
    config = ner_model_config(num_labels=config_width or len(labels)).encode()
    (folder / "config.pbtxt").write_bytes(config_bytes if config_bytes is not None else config)
    (folder / "labels.json").write_bytes(
        labels_bytes if labels_bytes is not None else json.dumps(list(labels)).encode()
    )
    (folder / "README.md").write_text(f"# Vessel NER {version}\n")
    write_manifest(
        folder,
        version=version,
        triton_model_name=model_name,
        base_model="distilbert-base-uncased",
        dataset_revision="dataset-20250101T000000Z",
        created_at="2025-01-01T00:00:00+00:00",
        labels=list(labels),
        num_labels=len(labels),
        metrics={"f1": 0.9},
    )
    return folder
