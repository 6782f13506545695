"""``ner_model_onnx`` and ``ner_model_release``: the fine-tuned model → ONNX (fp32 + int8) → a published release.

``ner_model_onnx`` carries three blocking checks (fp32 parity with PyTorch, int8 argmax agreement,
int8 F1 drop): when one fails, ``ner_model_release`` does not run. ``ner_model_release`` publishes
only a challenger that is not worse than the current release on the frozen gold test (or when forced).

torch/transformers/optimum/datasets are imported inside the asset bodies only.
"""

import tempfile
from pathlib import Path
from typing import Any

from dagster import AssetCheckResult, AssetCheckSpec, AssetExecutionContext, Config, MetadataValue, Output, asset
from pydantic import Field

from oceanid_dagster.assets.batch import markdown_table
from oceanid_dagster.assets.training import TRAINING_GROUP
from oceanid_dagster.resources.model_hub import ModelHubResource

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.
ONNX_CHECKS = {
    "onnx_fp32_matches_pytorch": "fp32 ONNX logits within 1e-4 (max abs diff) of PyTorch",
    "onnx_int8_argmax_agreement": "int8 and fp32 predict the same tag on >= 99% of evaluation words",
    "onnx_int8_f1_drop": "int8 F1 on the evaluation split within 0.01 of fp32",
}


class NerOnnxConfig(Config):
    max_length: int = Field(default=128, description="Tokens per evaluation example (as in training).")
    parity_examples: int = Field(default=32, description="Examples on which fp32 logits are compared with PyTorch.")


class NerReleaseConfig(Config):
    tolerance: float = Field(default=0.0, description="Publish when challenger F1 >= champion F1 - tolerance.")
    force: bool = Field(default=False, description="Publish even if the challenger is worse.")


def evaluation_examples(model_hub: ModelHubResource, dataset_revision: str, model_dir: Path, max_length: int, work_dir: Path):
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


@asset(
    group_name=TRAINING_GROUP,
    description="ner_model exported to ONNX (fp32, for Triton) and dynamically quantised to int8 (for CPU).",
    check_specs=[
        AssetCheckSpec(name, asset="ner_model_onnx", description=description, blocking=True)
        for name, description in ONNX_CHECKS.items()
    ],
)
def ner_model_onnx(context: AssetExecutionContext, config: NerOnnxConfig, ner_model: dict, model_hub: ModelHubResource):
    from oceanid_dagster.training.onnx_export import (
        TokenizedExamples,
        check_fp32_parity,
        check_int8_quality,
        export_onnx,
        quantize_int8,
    )

    model_dir = Path(ner_model["model_dir"])
    onnx_dir = model_dir.parent / "onnx"
    fp32 = export_onnx(model_dir, onnx_dir)
    int8 = quantize_int8(fp32)
    context.log.info(f"exported {fp32} ({fp32.stat().st_size:,} bytes) and {int8} ({int8.stat().st_size:,} bytes)")
    examples, split_description, pad_id = evaluation_examples(
        model_hub, ner_model["dataset_revision"], model_dir, config.max_length, onnx_dir.parent / "onnx-eval-dataset"
    )
    sample = TokenizedExamples(examples.input_ids[: config.parity_examples])
    outcomes = [check_fp32_parity(model_dir, fp32, sample, pad_id), *check_int8_quality(fp32, int8, examples, pad_id)]
    yield Output(
        {**ner_model, "onnx_fp32": str(fp32), "onnx_int8": str(int8)},
        metadata={
            "onnx_fp32": MetadataValue.path(str(fp32)),
            "onnx_int8": MetadataValue.path(str(int8)),
            "fp32_bytes": fp32.stat().st_size,
            "int8_bytes": int8.stat().st_size,
            "evaluated_on": f"{split_description} ({len(examples.input_ids)} examples)",
            **{outcome.name: outcome.value for outcome in outcomes},
        },
    )
    for outcome in outcomes:
        yield AssetCheckResult(
            check_name=outcome.name,
            passed=outcome.passed,
            description=outcome.description,
            metadata={"value": outcome.value, "threshold": outcome.threshold, **outcome.details},
        )


def _champion_manifest(hub, repo_id: str, work_dir: Path) -> dict[str, Any] | None:
    from oceanid_dagster.hub_client import read_manifest

    version = hub.latest_revision(repo_id)
    return read_manifest(hub.download(repo_id, version, work_dir)) if version else None


def _comparison_table(rows: list[list[Any]]) -> str:
    columns = ("metric", "champion", "challenger", "delta")
    rounded = [{column: round(value, 4) if isinstance(value, float) else value for column, value in zip(columns, row)} for row in rows]
    return markdown_table(rounded, columns, limit=len(rounded))


@asset(
    group_name=TRAINING_GROUP,
    description="Champion/challenger: publish the ONNX model as an immutable release to the model hub "
    "only if its gold-test F1 is not below the current release's (or when forced).",
)
def ner_model_release(
    context: AssetExecutionContext, config: NerReleaseConfig, ner_model_onnx: dict, model_hub: ModelHubResource
) -> Output[str]:
    from oceanid_dagster.training.release import build_release, compare_to_champion

    hub = model_hub.client()
    with tempfile.TemporaryDirectory(prefix="ner-release-") as work_dir:
        champion = _champion_manifest(hub, model_hub.model_repo, Path(work_dir) / "champion")
        decision = compare_to_champion(ner_model_onnx["metrics"], champion, config.tolerance, config.force)
        champion_version = champion["version"] if champion else ""
        metadata = {
            "published": decision.publish,
            "decision": decision.reason,
            "champion": champion_version,
            "comparison": MetadataValue.md(_comparison_table(decision.rows)),
            "repo": model_hub.model_repo,
        }
        if not decision.publish:
            context.log.warning(f"release refused: {decision.reason}")
            return Output(champion_version, metadata=metadata)
        folder = build_release(
            Path(ner_model_onnx["model_dir"]),
            Path(ner_model_onnx["onnx_fp32"]),
            Path(ner_model_onnx["onnx_int8"]),
            metrics=ner_model_onnx["metrics"],
            base_model=ner_model_onnx["base_model"],
            dataset_revision=ner_model_onnx["dataset_revision"],
            out_dir=Path(work_dir) / "releases",
        )
        hub.publish_folder(model_hub.model_repo, folder, folder.name, commit_message=decision.reason)
    context.log.info(f"published {folder.name} to {model_hub.display_name}: {decision.reason}")
    return Output(folder.name, metadata={**metadata, "version": folder.name})
