"""``ner_model``: the dataset's revision → a fine-tuned token-classification model and its scores.

torch/transformers are imported inside the asset body only, so loading the code location does not
import them. The model travels to the next steps through the artifact store, never a local path: on
Kubernetes each step is its own pod. On Kubernetes the step runs on the GPU node (its ``dagster-k8s/config`` tag).
"""

import base64
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from oceanid_dagster.defs.assets.ner_training_dataset import TRAINING_GROUP
from oceanid_dagster.defs.automation import after_upstream
from oceanid_dagster.defs.deployment import gpu_training_tags
from oceanid_dagster.defs.resources.artifact_store import ArtifactStoreResource
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.training.dataset import load_dataset_folder
from oceanid_dagster.training.metrics import PER_LABEL_COLUMNS
from oceanid_dagster.training.trainer import TrainingConfig

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.


class NerModelConfig(dg.Config, TrainingConfig):
    """The fine-tuning settings of :class:`TrainingConfig`, plus the base model to start from."""

    base_model: str | None = Field(
        default=None,
        description="Hub id or local folder; default distilbert-base-uncased if the hub is reachable, "
        "else the packaged MiniLM-L6.",
    )

    def training_config(self) -> TrainingConfig:
        return TrainingConfig(**{name: getattr(self, name) for name in TrainingConfig.model_fields})


def _per_label_table(rows: list[dict[str, Any]]) -> dg.MetadataValue:
    schema = dg.TableSchema(
        columns=[dg.TableColumn("label", "string")]
        + [dg.TableColumn(name, "float") for name in ("precision", "recall", "f1")]
        + [dg.TableColumn("support", "int")]
    )
    records = [dg.TableRecord({key: row[key] for key in PER_LABEL_COLUMNS}) for row in rows]
    return dg.MetadataValue.table(records, schema=schema)


def training_artifact(now: datetime) -> str:
    """The artifact name of one training run's model; the ONNX of it is stored beside it."""
    return f"training/{now:%Y%m%dT%H%M%S.%fZ}/model"


@dg.asset(
    group_name=TRAINING_GROUP,
    kinds={"pytorch", "huggingface"},
    code_version=source_version(
        "training/trainer.py", "training/time_budget.py", "training/base_models.py", "training/metrics.py"
    ),
    automation_condition=after_upstream(),
    op_tags=gpu_training_tags(),
    description="Fine-tuned token-classification model (save_pretrained folder, stored in the artifact "
    "store) and its scores on the frozen gold test split.",
)
def ner_model(
    context: dg.AssetExecutionContext,
    config: NerModelConfig,
    ner_training_dataset: str,
    model_hub: ModelHubResource,
    artifact_store: ArtifactStoreResource,
) -> dg.Output[dict[str, Any]]:
    from oceanid_dagster.training.base_models import resolve_base_model
    from oceanid_dagster.training.trainer import train_ner_model

    now = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="ner-model-") as scratch:
        output_dir = Path(scratch)
        folder = model_hub.client().download(
            model_hub.dataset_repo, ner_training_dataset, output_dir / "dataset", repo_type="dataset"
        )
        base = resolve_base_model(config.base_model)
        result = train_ner_model(
            load_dataset_folder(folder), base, output_dir, config.training_config(), log=context.log.info
        )
        artifact = artifact_store.put_folder(result.model_dir, training_artifact(now))
    summary = {
        "model_artifact": artifact,
        "metrics": result.metrics,
        "dataset_revision": ner_training_dataset,
        "base_model": result.base_model,
        "trained_at": now.isoformat(),
    }
    plot = base64.b64encode(result.plot_png).decode("ascii")
    return dg.Output(
        summary,
        metadata={
            "model_artifact": dg.MetadataValue.path(artifact_store.location(artifact)),
            "base_model": result.base_model,
            "dataset_revision": ner_training_dataset,
            "eval_split": result.eval_split,
            "f1": result.metrics["f1"],
            "precision": result.metrics["precision"],
            "recall": result.metrics["recall"],
            "train_examples": result.train_examples,
            "eval_examples": result.eval_examples,
            "training_steps": result.steps,
            "epochs_trained": result.epochs,
            "planned_steps": result.planned_steps,
            "step_limit": result.step_limit,
            "training_seconds": round(result.seconds, 1),
            "training_loop_seconds": round(result.loop_seconds, 3),  # a tiny run's loop can take under 0.05 s
            "seconds_per_step": round(result.step_seconds, 3),
            "training_arithmetic": result.arithmetic,
            "per_label": _per_label_table(result.per_label_rows),
            "report": dg.MetadataValue.md(f"![per-label F1 and loss](data:image/png;base64,{plot})"),
            "loss_curve": dg.MetadataValue.json([[step, loss] for step, loss in result.loss_history]),
        },
    )
