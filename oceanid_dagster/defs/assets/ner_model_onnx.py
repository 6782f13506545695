"""``ner_model_onnx``: the fine-tuned model → ONNX (fp32 for Triton, int8 for CPU).

fp32 parity with PyTorch is a blocking check: when it fails, ``ner_model_release`` does not run.
The int8 checks (argmax agreement, F1 drop) guard what CPU inference serves: the quantisation
variants are tried in turn and the first that passes both is released; when none does, the release
carries no int8 model and CPU inference serves fp32 (the asset, the checks' metadata and the release
manifest say so) — a nightly run never stops at an int8 that lost accuracy.

torch/transformers/optimum/datasets are imported inside the asset body only.
"""

import tempfile
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
from pydantic import Field

from oceanid_dagster.defs.assets.ner_training_dataset import TRAINING_GROUP
from oceanid_dagster.defs.automation import after_upstream
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.versions import source_version

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.
FP32_CHECK = "onnx_fp32_matches_pytorch"
ONNX_CHECKS = {
    FP32_CHECK: "fp32 ONNX logits within 1e-4 (max abs diff) of PyTorch (blocking)",
    "onnx_int8_argmax_agreement": "int8 and fp32 predict the same tag on >= 99% of evaluation words; "
    "otherwise CPU inference serves fp32",
    "onnx_int8_f1_drop": "int8 F1 on the evaluation split within 0.01 of fp32; otherwise CPU inference serves fp32",
}


class NerOnnxConfig(dg.Config):
    max_length: int = Field(default=128, description="Tokens per evaluation example (as in training).")
    parity_examples: int = Field(default=32, description="Examples on which fp32 logits are compared with PyTorch.")


def onnx_artifact(model_artifact: str) -> str:
    """Beside the model it was exported from; a retried step stores a new one (artifacts are never overwritten)."""
    return f"{model_artifact.rpartition('/')[0]}/onnx-{datetime.now(timezone.utc):%Y%m%dT%H%M%S.%fZ}"


def evaluation_examples(
    model_hub: ModelHubResource, dataset_revision: str, model_dir: Path, max_length: int, work_dir: Path
):
    """The split the model was scored on (gold test when there is one), tokenised as in training."""
    from transformers import AutoTokenizer

    from oceanid_dagster.training.dataset import load_dataset_folder
    from oceanid_dagster.training.onnx_export import TokenizedExamples
    from oceanid_dagster.training.trainer import evaluation_examples as pick_evaluation_split
    from oceanid_dagster.training.trainer import tokenize_dataset

    folder = model_hub.client().download(model_hub.dataset_repo, dataset_revision, work_dir, repo_type="dataset")
    split, description = pick_evaluation_split(load_dataset_folder(folder))
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    tokenized = tokenize_dataset(split, tokenizer, max_length)
    return TokenizedExamples(tokenized["input_ids"], tokenized["labels"]), description, tokenizer.pad_token_id


@dg.asset(
    group_name=TRAINING_GROUP,
    kinds={"onnx"},
    code_version=source_version("training/onnx_export.py"),
    automation_condition=after_upstream(),
    check_specs=[
        dg.AssetCheckSpec(name, asset="ner_model_onnx", description=description, blocking=name == FP32_CHECK)
        for name, description in ONNX_CHECKS.items()
    ],
    description="ner_model exported to ONNX (fp32, for Triton) and quantised to int8 for CPU where a "
    "quantisation variant holds accuracy (else CPU inference serves fp32).",
)
def ner_model_onnx(
    context: dg.AssetExecutionContext,
    config: NerOnnxConfig,
    ner_model: dict,
    model_hub: ModelHubResource,
    artifact_store: ArtifactStoreResource,
):
    from oceanid_dagster.training.onnx_export import TokenizedExamples, check_fp32_parity, choose_int8, export_onnx

    with tempfile.TemporaryDirectory(prefix="ner-onnx-") as scratch:
        work = Path(scratch)
        model_dir = artifact_store.get_folder(ner_model["model_artifact"], work / "model")
        fp32 = export_onnx(model_dir, work / "onnx")
        examples, split_description, pad_id = evaluation_examples(
            model_hub, ner_model["dataset_revision"], model_dir, config.max_length, work / "eval-dataset"
        )
        sample = TokenizedExamples(examples.input_ids[: config.parity_examples])
        parity = check_fp32_parity(model_dir, fp32, sample, pad_id)
        int8 = choose_int8(fp32, examples, pad_id)
        if int8.path is None:
            context.log.warning(f"no int8 variant held accuracy ({int8.measured}): CPU inference will serve fp32")
        else:
            context.log.info(f"int8 variant {int8.variant}: {int8.path.stat().st_size:,} bytes")
        served = [path.name for path in (fp32, int8.path) if path is not None]
        sizes = {"fp32_bytes": fp32.stat().st_size, **({"int8_bytes": int8.path.stat().st_size} if int8.path else {})}
        artifact = artifact_store.put_folder(fp32.parent, onnx_artifact(ner_model["model_artifact"]), only=served)
    yield dg.Output(
        {
            **ner_model,
            "onnx_artifact": artifact,
            "onnx_fp32": fp32.name,
            "onnx_int8": int8.path.name if int8.path else None,
            "cpu_precision": int8.cpu_precision,
            "int8_variant": int8.variant,
        },
        metadata={
            "onnx_artifact": dg.MetadataValue.path(artifact_store.location(artifact)),
            **sizes,
            "cpu_precision": int8.cpu_precision,
            "int8_variant": int8.variant or "none passed",
            "int8_variants": dg.MetadataValue.json(int8.measured),
            "evaluated_on": f"{split_description} ({len(examples.input_ids)} examples)",
            **{outcome.name: outcome.value for outcome in (parity, *int8.outcomes)},
        },
    )
    for outcome in (parity, *int8.outcomes):
        yield dg.AssetCheckResult(
            check_name=outcome.name,
            passed=outcome.passed,
            severity=dg.AssetCheckSeverity.ERROR if outcome.name == FP32_CHECK else dg.AssetCheckSeverity.WARN,
            description=outcome.description,
            metadata={
                "value": outcome.value,
                "threshold": outcome.threshold,
                "cpu_precision": int8.cpu_precision,
                **outcome.details,
            },
        )
