"""``ner_training_dataset`` and ``ner_model``: corrections + generated documents → a fine-tuned NER model.

torch/transformers/datasets are imported inside the training functions only, so loading the code
location does not import them.
"""

import base64
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config, MetadataValue, Output, TableColumn, TableRecord, TableSchema, asset
from pydantic import Field

from oceanid_dagster import settings
from oceanid_dagster.assets.batch import markdown_table
from oceanid_dagster.deployment import gpu_training_tags
from oceanid_dagster.resources.model_hub import ModelHubResource
from oceanid_dagster.resources.warehouse import WarehouseResource
from oceanid_dagster.training.dataset import (
    DEFAULT_MAX_WORDS,
    SPLITS,
    SplitFractions,
    build_dataset,
    dataset_card,
    gold_pages,
    load_dataset_folder,
    publish_dataset,
    published_gold_test_ids,
    save_dataset,
    silver_pages,
    split_statistics,
)
from oceanid_dagster.training.metrics import PER_LABEL_COLUMNS

TRAINING_GROUP = "training"
DATASET_REVISION_FORMAT = "dataset-%Y%m%dT%H%M%S.%fZ"  # two runs in one second stay distinct
# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.
# On Kubernetes (dagster-k8s), the training step runs on the GPU node; locally the tag is ignored.
# Reviewed pages: every submitted response, including pages answered with no entities at all
# (they leave no entity_corrections rows but are gold "nothing here" examples).
GOLD_PAGES_SQL = """
SELECT document_id, page_number, text FROM raw_ocr
WHERE (document_id, page_number) IN (
    SELECT document_id, page_number FROM annotated_pages WHERE response_status = 'submitted'
    UNION SELECT document_id, page_number FROM entity_corrections WHERE response_status <> 'discarded'
)
"""


class NerDatasetConfig(Config):
    silver_documents: int = Field(default=400, description="Documents generated from registry records (silver data).")
    seed: int = Field(default=0, description="Seed of the document generator.")
    max_words: int = Field(default=DEFAULT_MAX_WORDS, description="Words per example (pages are cut at line ends).")
    test_fraction: float = Field(default=0.15, description="Share of new documents hashed into test.")
    validation_fraction: float = Field(default=0.10, description="Share of documents hashed into validation.")


class NerModelConfig(Config):
    base_model: str | None = Field(
        default=None,
        description="Hub id or local folder; default distilbert-base-uncased if the hub is reachable, else the packaged MiniLM-L6.",
    )
    epochs: float = 3.0
    batch_size: int = 16
    max_length: int = 128
    learning_rate: float = 5e-5
    max_steps: int = Field(default=-1, description="> 0: stop after this many steps (overrides epochs).")
    seed: int = 42


def registry_records(warehouse: WarehouseResource) -> list[dict[str, Any]]:
    """``registry_vessels`` rows; the sample shipped with the package until ``vessel_registry`` has run."""
    records = warehouse.query("SELECT * FROM registry_vessels")
    if records:
        return records
    from oceanid_dagster.samples.registry_csv import load_sample_registry

    return load_sample_registry()


def _split_table(stats: dict[str, dict[str, Any]]) -> str:
    rows = [{"split": split, **{key: stats[split][key] for key in ("examples", "documents", "words")}, **stats[split]["sources"]} for split in SPLITS]
    return markdown_table(rows, ["split", "examples", "documents", "words", "gold", "silver"])


@asset(
    group_name=TRAINING_GROUP,
    deps=[AssetKey("argilla_corrections"), AssetKey("vessel_registry")],
    description="Gold pages (Argilla corrections) + silver pages (documents generated from registry records), "
    "split by document with a frozen gold test split, published to the dataset repo of the model hub.",
)
def ner_training_dataset(
    context: AssetExecutionContext, config: NerDatasetConfig, warehouse: WarehouseResource, model_hub: ModelHubResource
) -> Output[str]:
    from oceanid_dagster.samples.generator import generate_documents

    hub = model_hub.client()
    with tempfile.TemporaryDirectory(prefix="ner-dataset-") as work_dir:
        frozen, previous = published_gold_test_ids(hub, model_hub.dataset_repo, Path(work_dir) / "previous")
        context.log.info(f"previous dataset {previous or '(none)'}: {len(frozen)} gold test documents stay in test")
        gold = gold_pages(warehouse.query(GOLD_PAGES_SQL), warehouse.query("SELECT * FROM entity_corrections"))
        silver = silver_pages(generate_documents(registry_records(warehouse), config.silver_documents, config.seed))
        context.log.info(f"{len(gold)} gold pages, {len(silver)} silver pages")
        dataset = build_dataset(
            gold + silver,
            frozen_test_ids=frozen,
            fractions=SplitFractions(test=config.test_fraction, validation=config.validation_fraction),
            max_words=config.max_words,
        )
        revision = datetime.now(timezone.utc).strftime(DATASET_REVISION_FORMAT)
        publish_dataset(hub, model_hub.dataset_repo, save_dataset(dataset, Path(work_dir) / revision), revision)
    stats = split_statistics(dataset)
    return Output(
        revision,
        metadata={
            "revision": revision,
            "repo": model_hub.dataset_repo,
            "previous_revision": previous or "",
            "gold_pages": len(gold),
            "silver_pages": len(silver),
            "frozen_gold_test_documents": len(frozen),
            **{f"{split}_examples": stats[split]["examples"] for split in SPLITS},
            "splits": MetadataValue.md(_split_table(stats)),
            "card": MetadataValue.md(dataset_card(dataset)),
        },
    )


def _per_label_table(rows: list[dict[str, Any]]) -> MetadataValue:
    schema = TableSchema(
        columns=[TableColumn("label", "string")]
        + [TableColumn(name, "float") for name in ("precision", "recall", "f1")]
        + [TableColumn("support", "int")]
    )
    return MetadataValue.table([TableRecord({key: row[key] for key in PER_LABEL_COLUMNS}) for row in rows], schema=schema)


def training_dir(now: datetime) -> Path:
    return settings.oceanid_home() / "training" / now.strftime("%Y%m%dT%H%M%SZ")


@asset(
    group_name=TRAINING_GROUP,
    description="Fine-tuned token-classification model (save_pretrained folder) and its scores on the frozen gold test split.",
    op_tags=gpu_training_tags(),
)
def ner_model(
    context: AssetExecutionContext, config: NerModelConfig, ner_training_dataset: str, model_hub: ModelHubResource
) -> Output[dict[str, Any]]:
    from oceanid_dagster.training.base_models import resolve_base_model
    from oceanid_dagster.training.trainer import TrainingConfig, train_ner_model

    now = datetime.now(timezone.utc)
    output_dir = training_dir(now)
    dataset = load_dataset_folder(
        model_hub.client().download(model_hub.dataset_repo, ner_training_dataset, output_dir / "dataset", repo_type="dataset")
    )
    base = resolve_base_model(config.base_model)
    training_config = TrainingConfig(
        max_length=config.max_length,
        epochs=config.epochs,
        batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        max_steps=config.max_steps,
        seed=config.seed,
    )
    result = train_ner_model(dataset, base, output_dir, training_config, log=context.log.info)
    plot_path = output_dir / "report.png"
    plot_path.write_bytes(result.plot_png)
    summary = {
        "model_dir": str(result.model_dir),
        "metrics": result.metrics,
        "dataset_revision": ner_training_dataset,
        "base_model": result.base_model,
        "trained_at": now.isoformat(),
    }
    plot = base64.b64encode(result.plot_png).decode("ascii")
    return Output(
        summary,
        metadata={
            "model_dir": MetadataValue.path(str(result.model_dir)),
            "base_model": result.base_model,
            "dataset_revision": ner_training_dataset,
            "eval_split": result.eval_split,
            "f1": result.metrics["f1"],
            "precision": result.metrics["precision"],
            "recall": result.metrics["recall"],
            "train_examples": result.train_examples,
            "eval_examples": result.eval_examples,
            "training_seconds": round(result.seconds, 1),
            "per_label": _per_label_table(result.per_label_rows),
            "report": MetadataValue.md(f"![per-label F1 and loss](data:image/png;base64,{plot})"),
            "report_png": MetadataValue.path(str(plot_path)),
            "loss_curve": MetadataValue.json([[step, loss] for step, loss in result.loss_history]),
        },
    )
