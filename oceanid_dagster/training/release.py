"""Release folders (which release ships is :mod:`oceanid_dagster.training.shipping`'s measured decision).

A release is an immutable folder named after its version::

    model.onnx            fp32, served by Triton
    model_int8.onnx       dynamic int8, for CPU inference (absent when no int8 variant held accuracy:
                          CPU inference then serves model.onnx; ``cpu_precision`` in the manifest)
    config.json + tokenizer files   so ``ORTModelForTokenClassification.from_pretrained(folder)`` loads it
    labels.json           BIO tags in id order
    config.pbtxt          Triton model configuration
    README.md             model card
    manifest.json         version, metrics, provenance, sha256 + size of every other file

Metrics are the dicts of :func:`oceanid_dagster.training.metrics.entity_metrics` (``precision``,
``recall``, ``f1``, ``per_label``) on the frozen gold test split.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oceanid_dagster.domain.labels import BIO_TAGS
from oceanid_dagster.inference.runtime import FP32_MODEL_FILE, INT8_MODEL_FILE, LABELS_FILE
from oceanid_dagster.serving.hub_client import CANDIDATE_PREFIX, new_release_version, read_manifest, write_manifest
from oceanid_dagster.serving.triton_config import TRITON_NER_MODEL_NAME, ner_model_config

MODEL_CONFIG_FILE = "config.json"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")
TRITON_CONFIG_FILE = "config.pbtxt"
MODEL_CARD_FILE = "README.md"


class ReleaseError(ValueError):
    """The inputs of a release are incomplete or inconsistent; the message names the file."""


# --- building ----------------------------------------------------------------------------------


def build_release(
    model_folder: Path,
    onnx_fp32: Path,
    onnx_int8: Path | None,
    metrics: dict[str, Any],
    base_model: str,
    dataset_revision: str,
    out_dir: Path,
    created_at: datetime | None = None,
) -> Path:
    """Write the release folder ``out_dir/<version>`` and return it; an existing version is never overwritten."""
    created_at = (created_at or datetime.now(UTC)).astimezone(UTC)
    version = new_release_version(created_at)
    model_folder, out_dir = Path(model_folder), Path(out_dir)
    labels = _labels_from_model_config(model_folder / MODEL_CONFIG_FILE)
    target = out_dir / version
    if target.exists():
        raise FileExistsError(f"release {target} already exists; releases are immutable")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir / f".tmp-{version}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        _copy_required(Path(onnx_fp32), staging / FP32_MODEL_FILE)
        if onnx_int8 is not None:
            _copy_required(Path(onnx_int8), staging / INT8_MODEL_FILE)
        cpu_precision = "int8" if onnx_int8 is not None else "fp32"
        for name in (MODEL_CONFIG_FILE, *TOKENIZER_FILES):
            _copy_required(model_folder / name, staging / name)
        _write_text(staging / LABELS_FILE, json.dumps(labels, indent=2) + "\n")
        _write_text(
            staging / TRITON_CONFIG_FILE,
            ner_model_config(TRITON_NER_MODEL_NAME, num_labels=len(labels), cpu_precision=cpu_precision),
        )
        _write_text(
            staging / MODEL_CARD_FILE, model_card(version, base_model, dataset_revision, labels, metrics, cpu_precision)
        )
        write_manifest(
            staging,
            version=version,
            triton_model_name=TRITON_NER_MODEL_NAME,
            base_model=base_model,
            dataset_revision=dataset_revision,
            created_at=created_at.isoformat().replace("+00:00", "Z"),
            labels=labels,
            num_labels=len(labels),
            metrics=metrics,
            cpu_precision=cpu_precision,
            cpu_model=INT8_MODEL_FILE if onnx_int8 is not None else FP32_MODEL_FILE,
        )
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _labels_from_model_config(config_path: Path) -> list[str]:
    """``id2label`` in id order; it must be the label schema's BIO tags (the decoder and Triton derive from them)."""
    try:
        id2label = json.loads(config_path.read_text(encoding="utf-8"))["id2label"]
    except FileNotFoundError as error:
        raise ReleaseError(f"{config_path}: missing") from error
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ReleaseError(f"{config_path}: no readable id2label ({error!r})") from error
    labels = [id2label[key] for key in sorted(id2label, key=int)]
    if labels != list(BIO_TAGS):
        raise ReleaseError(
            f"{config_path}: id2label {labels} differs from the label schema's BIO tags {list(BIO_TAGS)}"
        )
    return labels


def _copy_required(source: Path, target: Path) -> None:
    if not source.is_file():
        raise ReleaseError(f"cannot build the release: {source} is missing")
    shutil.copyfile(source, target)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def model_card(
    version: str,
    base_model: str,
    dataset_revision: str,
    labels: list[str],
    metrics: dict[str, Any],
    cpu_precision: str = "int8",
) -> str:
    cpu_file = (
        "- `model_int8.onnx`: dynamic int8 quantisation for CPU"
        if cpu_precision == "int8"
        else "- no int8 model: no quantisation variant held accuracy, CPU inference serves `model.onnx`"
    )
    rows = "\n".join(
        f"| {label} | {_format(scores.get('precision'))} | {_format(scores.get('recall'))} "
        f"| {_format(scores.get('f1'))} |"
        for label, scores in [("overall", metrics), *metrics.get("per_label", {}).items()]
    )
    return f"""---
library_name: onnx
pipeline_tag: token-classification
tags: [ner, vessels, onnx]
---
# Oceanid vessel NER — {version}

Token classification (BIO tags) of vessel entities in registry extracts, inspection reports and
authorisation lists. Fine-tuned from `{base_model}` on dataset revision `{dataset_revision}`.

## Files
- `model.onnx`: fp32 ONNX (served by Triton, `config.pbtxt`)
{cpu_file}
- `labels.json`: the {len(labels)} BIO tags in id order
- `manifest.json`: sha256 of every file, metrics, provenance

## Metrics (seqeval, frozen gold test split)
| label | precision | recall | F1 |
| --- | --- | --- | --- |
{rows}

## Use
```python
from optimum.onnxruntime import ORTModelForTokenClassification
from transformers import AutoTokenizer, pipeline

model = ORTModelForTokenClassification.from_pretrained(folder)
tokenizer = AutoTokenizer.from_pretrained(folder)
ner = pipeline("token-classification", model=model, tokenizer=tokenizer, aggregation_strategy="first")
```
or, without torch: `oceanid_dagster.inference.runtime.OnnxNerModel.load(folder).predict(text)`.
"""


def _format(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else "–"


def as_candidate(folder: Path) -> Path:
    """A built release that will not ship, renamed ``candidate-<time>`` (folder, manifest version,
    model card), to be published for inspection; readers of releases never take it."""
    folder = Path(folder)
    name = CANDIDATE_PREFIX + folder.name.removeprefix("release-")
    target = folder.with_name(name)
    os.rename(folder, target)
    card = target / MODEL_CARD_FILE
    card.write_text(
        card.read_text(encoding="utf-8").replace(f"— {folder.name}", f"— {name} (candidate: not shipped)", 1),
        encoding="utf-8",
    )
    manifest = read_manifest(target)
    manifest.pop("files")
    write_manifest(target, **{**manifest, "version": name})
    return target


def record_shipping(folder: Path, shipping: dict[str, Any]) -> None:
    """Add the shipping decision to a built release's manifest; its files and checksums stay."""
    manifest = read_manifest(folder)
    manifest.pop("files")
    write_manifest(folder, **{**manifest, "shipping": shipping})
