"""Export a fine-tuned token-classification model to ONNX, quantise it to int8, and check both.

* :func:`export_onnx` -- optimum-onnx's ``main_export``; ``torch.onnx.export`` (TorchScript
  exporter) when optimum fails.
* :func:`quantize_int8` -- ONNX Runtime dynamic quantisation (int8 weights) of the plain export,
  in one of :data:`INT8_VARIANTS`; :func:`choose_int8` measures them in order and keeps the first
  that holds accuracy (the release then serves int8 on CPU), or none (it serves fp32 and says so).
  The ORT transformers graph optimiser is deliberately not run first: it gave no speed-up here
  and its fused operators break dynamic quantisation.
* :func:`check_fp32_parity`, :func:`check_int8_quality` -- the measured values behind the blocking
  asset checks, as :class:`CheckOutcome`.

torch / transformers / optimum are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from oceanid_dagster.inference.runtime import FP32_MODEL_FILE, INT8_MODEL_FILE, OrtLogits, pad_sequences
from oceanid_dagster.training.metrics import entity_metrics, tags_from_predictions

logger = logging.getLogger(__name__)

FP32_MAX_ABS_DIFF = 1e-4
INT8_MIN_ARGMAX_AGREEMENT = 0.99
INT8_MAX_F1_DROP = 0.01
DEFAULT_OPSET = 18
_EVAL_BATCH_SIZE = 32


@dataclass(frozen=True)
class CheckOutcome:
    """A measured value against its threshold; ``passed`` is what a blocking asset check reports."""

    name: str
    passed: bool
    value: float
    threshold: float
    description: str
    details: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class TokenizedExamples:
    """Model inputs with special tokens, as in the training dataset; ``labels`` use -100 for ignored positions."""

    input_ids: Sequence[Sequence[int]]
    labels: Sequence[Sequence[int]] | None = None

    def __post_init__(self) -> None:
        if not self.input_ids:
            raise ValueError("no examples given")
        if self.labels is not None:
            if len(self.labels) != len(self.input_ids):
                raise ValueError(f"{len(self.input_ids)} examples but {len(self.labels)} label rows")
            for index, (ids, labels) in enumerate(zip(self.input_ids, self.labels)):
                if len(ids) != len(labels):
                    raise ValueError(f"example {index}: {len(ids)} input ids but {len(labels)} labels")

    def batches(self, pad_id: int, batch_size: int = _EVAL_BATCH_SIZE):
        """``(input_ids, attention_mask)`` int64 arrays, padded per batch."""
        for start in range(0, len(self.input_ids), batch_size):
            yield pad_sequences(self.input_ids[start : start + batch_size], pad_id)


# --- export ------------------------------------------------------------------------------------


def export_onnx(model_folder: Path, out_dir: Path, opset: int = DEFAULT_OPSET) -> Path:
    """``out_dir/model.onnx`` (fp32, dynamic batch and sequence axes) from a ``save_pretrained`` folder."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        return optimum_export(model_folder, out_dir, opset)
    except Exception as error:  # optimum's failures have no common base class
        logger.warning("optimum export of %s failed (%s); falling back to torch.onnx.export", model_folder, error)
        return torch_export(model_folder, out_dir / FP32_MODEL_FILE, opset)


def optimum_export(model_folder: Path, out_dir: Path, opset: int = DEFAULT_OPSET) -> Path:
    from optimum.exporters.onnx import main_export

    main_export(
        str(model_folder),
        output=out_dir,
        task="token-classification",
        opset=opset,
        local_files_only=True,
        do_validation=False,  # check_fp32_parity is the (stricter) validation
    )
    return _exported_file(out_dir / FP32_MODEL_FILE, model_folder)


def torch_export(model_folder: Path, onnx_path: Path, opset: int = DEFAULT_OPSET) -> Path:
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(str(model_folder)).eval()

    class LogitsOnly(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    example = torch.ones((2, 8), dtype=torch.long)
    dynamic_axes = {name: {0: "batch_size", 1: "sequence_length"} for name in ("input_ids", "attention_mask", "logits")}
    onnx_path = Path(onnx_path)
    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(
            LogitsOnly(),
            (example, example),
            str(onnx_path),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes=dynamic_axes,
            opset_version=opset,
            dynamo=False,
        )
    return _exported_file(onnx_path, model_folder)


def _exported_file(path: Path, model_folder: Path) -> Path:
    if not path.is_file():
        raise RuntimeError(f"ONNX export of {model_folder} produced no {path}")
    return path


@dataclass(frozen=True)
class Int8Variant:
    """How to quantise: which operators, per-channel weights, and whether the classifier stays fp32."""

    op_types: tuple[str, ...] | None
    per_channel: bool
    keep_classifier_fp32: bool


# Tried in this order; the first whose checks pass is served. Encoder MatMuls only, per output
# channel, keeps the embeddings (Gather) and the token classifier in fp32: the part of the model
# where a quantisation error flips a tag.
INT8_VARIANTS: dict[str, Int8Variant] = {
    "encoder_matmul_per_channel": Int8Variant(("MatMul",), per_channel=True, keep_classifier_fp32=True),
    "all_ops_per_tensor": Int8Variant(None, per_channel=False, keep_classifier_fp32=False),
}
DEFAULT_INT8_VARIANT = "all_ops_per_tensor"


def classifier_nodes(fp32_path: Path) -> list[str]:
    """The MatMul node(s) of the token-classification head: named ``classifier`` by the exporters,
    else the last MatMul of the graph."""
    import onnx

    graph = onnx.load(str(fp32_path), load_external_data=False).graph
    matmuls = [node.name for node in graph.node if node.op_type in ("MatMul", "Gemm")]
    named = [name for name in matmuls if "classifier" in name.lower()]
    return named or matmuls[-1:]


def quantize_int8(fp32_path: Path, int8_path: Path | None = None, variant: str = DEFAULT_INT8_VARIANT) -> Path:
    """Dynamic int8 quantisation (QInt8 weights, activations quantised at run time) for CPU inference."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    settings = INT8_VARIANTS[variant]
    int8_path = Path(int8_path) if int8_path else Path(fp32_path).with_name(INT8_MODEL_FILE)
    quantize_dynamic(
        model_input=str(fp32_path),
        model_output=str(int8_path),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=list(settings.op_types) if settings.op_types else None,
        per_channel=settings.per_channel,
        nodes_to_exclude=classifier_nodes(fp32_path) if settings.keep_classifier_fp32 else None,
    )
    return int8_path


@dataclass(frozen=True)
class Int8Choice:
    """The int8 model to serve (``None``: every variant failed, serve fp32), the variant, and what
    each variant measured."""

    path: Path | None
    variant: str | None
    outcomes: tuple[CheckOutcome, CheckOutcome]
    measured: dict[str, dict[str, float | bool]]

    @property
    def cpu_precision(self) -> str:
        return "int8" if self.path is not None else "fp32"


def choose_int8(
    fp32_path: Path,
    examples: TokenizedExamples,
    pad_id: int = 0,
    variants: Sequence[str] = tuple(INT8_VARIANTS),
    min_agreement: float = INT8_MIN_ARGMAX_AGREEMENT,
    max_f1_drop: float = INT8_MAX_F1_DROP,
) -> Int8Choice:
    """Quantise with each variant in turn until one passes both int8 checks."""
    measured: dict[str, dict[str, float | bool]] = {}
    best: tuple[CheckOutcome, CheckOutcome] | None = None
    for variant in variants:
        path = quantize_int8(fp32_path, Path(fp32_path).with_name(f"model_int8.{variant}.onnx"), variant)
        outcomes = check_int8_quality(fp32_path, path, examples, pad_id, min_agreement, max_f1_drop)
        passed = all(outcome.passed for outcome in outcomes)
        measured[variant] = {
            "argmax_agreement": outcomes[0].value,
            "f1_drop": outcomes[1].value,
            "bytes": path.stat().st_size,
            "passed": passed,
        }
        if best is None or outcomes[0].value > best[0].value:
            best = outcomes
        if passed:
            served = path.replace(Path(fp32_path).with_name(INT8_MODEL_FILE))
            return Int8Choice(served, variant, outcomes, measured)
        path.unlink()
    return Int8Choice(None, None, best, measured)


# --- checks ------------------------------------------------------------------------------------


def _masked_max_abs_diff(expected: np.ndarray, actual: np.ndarray, attention_mask: np.ndarray) -> float:
    real_tokens = attention_mask.astype(bool)
    return float(np.abs(expected[real_tokens] - actual[real_tokens]).max())


def check_fp32_parity(
    model_folder: Path,
    onnx_path: Path,
    examples: TokenizedExamples,
    pad_id: int = 0,
    max_abs_diff: float = FP32_MAX_ABS_DIFF,
) -> CheckOutcome:
    """The fp32 ONNX logits equal PyTorch's within ``max_abs_diff`` on every real (unpadded) token."""
    import torch
    from transformers import AutoModelForTokenClassification

    model = AutoModelForTokenClassification.from_pretrained(str(model_folder)).eval()
    onnx_logits = OrtLogits(onnx_path)
    worst = 0.0
    for input_ids, attention_mask in examples.batches(pad_id):
        with torch.no_grad():
            expected = model(
                input_ids=torch.from_numpy(input_ids), attention_mask=torch.from_numpy(attention_mask)
            ).logits.numpy()
        worst = max(worst, _masked_max_abs_diff(expected, onnx_logits(input_ids, attention_mask), attention_mask))
    return CheckOutcome(
        name="onnx_fp32_matches_pytorch",
        passed=worst <= max_abs_diff,
        value=worst,
        threshold=max_abs_diff,
        description=f"max |logit difference| ONNX fp32 vs PyTorch over {len(examples.input_ids)} examples",
    )


def _predicted_ids(onnx_path: Path, examples: TokenizedExamples, pad_id: int) -> list[list[int]]:
    """Argmax label ids per example (padding cut off)."""
    logits_fn = OrtLogits(onnx_path)
    predicted: list[list[int]] = []
    for input_ids, attention_mask in examples.batches(pad_id):
        label_ids = logits_fn(input_ids, attention_mask).argmax(axis=-1)
        predicted.extend(row[: int(mask.sum())].tolist() for row, mask in zip(label_ids, attention_mask))
    return predicted


def check_int8_quality(
    fp32_path: Path,
    int8_path: Path,
    examples: TokenizedExamples,
    pad_id: int = 0,
    min_agreement: float = INT8_MIN_ARGMAX_AGREEMENT,
    max_f1_drop: float = INT8_MAX_F1_DROP,
) -> tuple[CheckOutcome, CheckOutcome]:
    """int8 vs fp32 on labelled examples: argmax agreement on the labelled tokens (first sub-token of
    each word, the ones decoding uses), and the drop in seqeval F1 against the gold labels."""
    if examples.labels is None:
        raise ValueError("check_int8_quality needs labelled examples")
    gold_tags, fp32_tags = tags_from_predictions(_predicted_ids(fp32_path, examples, pad_id), examples.labels)
    _, int8_tags = tags_from_predictions(_predicted_ids(int8_path, examples, pad_id), examples.labels)
    fp32_flat = [tag for row in fp32_tags for tag in row]
    int8_flat = [tag for row in int8_tags for tag in row]
    if not fp32_flat:
        raise ValueError("the examples have no labelled tokens (all labels are -100)")
    agreement = sum(a == b for a, b in zip(fp32_flat, int8_flat)) / len(fp32_flat)
    f1_fp32 = entity_metrics(gold_tags, fp32_tags)["f1"]
    f1_int8 = entity_metrics(gold_tags, int8_tags)["f1"]
    drop = f1_fp32 - f1_int8
    return (
        CheckOutcome(
            name="onnx_int8_argmax_agreement",
            passed=agreement >= min_agreement,
            value=agreement,
            threshold=min_agreement,
            description=f"share of {len(fp32_flat)} labelled tokens where int8 and fp32 predict the same tag",
        ),
        CheckOutcome(
            name="onnx_int8_f1_drop",
            passed=drop <= max_f1_drop,
            value=drop,
            threshold=max_f1_drop,
            description="seqeval F1 of fp32 minus F1 of int8 on the evaluation examples",
            details={"f1_fp32": f1_fp32, "f1_int8": f1_int8},
        ),
    )
