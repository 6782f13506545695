"""``ner_training_dataset``: gold pages (Argilla corrections) + silver pages generated from registry
records + the handwritten reference pages (train only), split by document with a frozen gold test
split, published to the model hub's dataset repo.

``datasets`` is imported inside the training functions only, so loading the code location does not
import it.
"""

import tempfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import dagster as dg
from pydantic import Field

from oceanid_dagster import settings
from oceanid_dagster.defs.automation import NIGHTLY_TRAINING
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.model_hub import ModelHubResource
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.training.dataset import (
    DEFAULT_MAX_WORDS,
    SOURCES,
    SPLITS,
    SplitFractions,
    build_dataset,
    dataset_card,
    evaluation_pages,
    gold_pages,
    gold_test_ids,
    handwritten_pages,
    learnt_kinds,
    publish_dataset,
    published_gold_test_ids,
    save_dataset,
    save_evaluation_pages,
    save_learnt_kinds,
    silver_pages,
    split_statistics,
)
from oceanid_dagster.training.reference import reference_pages

# Dagster resolves Config/resource annotations at decoration time: no `from __future__ import annotations` here.
TRAINING_GROUP = "training"
DATASET_REVISION_FORMAT = "dataset-%Y%m%dT%H%M%S.%fZ"  # two runs in one second stay distinct


class NerDatasetConfig(dg.Config):
    silver_documents: int = Field(default=400, description="Documents generated from registry records (silver data).")
    ocr_share: float = Field(
        default=0.25, ge=0, le=1, description="Share of silver documents written as a scan's OCR reads them."
    )
    seed: int = Field(default=0, description="Seed of the document generator.")
    max_words: int = Field(default=DEFAULT_MAX_WORDS, description="Words per example (pages are cut at line ends).")
    test_fraction: float = Field(default=0.15, description="Share of new documents hashed into test.")
    validation_fraction: float = Field(default=0.10, description="Share of documents hashed into validation.")
    gold_repeats: int = Field(
        default=16,
        description="Each corrected (gold) page appears this many times in train, silver pages once. On 2 cores "
        "without AMX the time budget cuts about a fifth of the steps, so a corrected page is seen less: 12 corrected "
        "transhipment declarations at 16 lifted their kind's untouched half to 0.952 and 0.944 (two runs), at 8 to "
        "0.920 (bench_learning). Lower it once corrected pages number in the hundreds, or they outweigh the silver.",
    )
    handwritten_repeats: int = Field(
        default=3,
        description="Each handwritten (reference) page appears this many times in train: 90 pages at 3 weighed a "
        "little more than 56 did at 4 and kept a fine-tune on 2 cores within 5 minutes (90 pages at 4: 510 steps, "
        "oceanid train 279-309 s; 56 at 8: 561 steps, 339 s); 143 pages at 3 are 458 steps at 2.5 epochs, 173 "
        "pages 505, 180 pages 518.",
    )
    handwritten_pages: bool = Field(
        default=True,
        description="Train on the reference pages too (hand-annotated real layouts, OCEANID_REFERENCE_PAGES): "
        "always in train, never decided on.",
    )


def registry_records(warehouse: WarehouseResource, registry_lists: RegistryListsResource) -> tuple[list[dict], str]:
    """``registry_vessels`` rows, and where they came from (the packaged sample only where allowed)."""
    records = warehouse.registry_vessels()
    if records:
        return records, "registry_vessels"
    return registry_lists.sample_instead("registry_vessels is empty (vessel_registry not materialised)")


def _split_table(stats: dict[str, dict[str, Any]]) -> str:
    rows = [
        {
            "split": split,
            **{key: stats[split][key] for key in ("examples", "documents", "words")},
            **stats[split]["sources"],
        }
        for split in SPLITS
    ]
    return markdown_table(rows, ["split", "examples", "documents", "words", *SOURCES])


def _silver_table(documents) -> str:
    """Silver documents and pages per layout, as written and as OCR reads them."""
    from oceanid_dagster.samples.generator import OCR_SUFFIX

    counts: dict[str, dict[str, Any]] = {}
    for document in documents:
        row = counts.setdefault(document.layout, {"layout": document.layout, "documents": 0, "pages": 0, "ocr_read": 0})
        row["documents"] += 1
        row["pages"] += len(document.pages)
        row["ocr_read"] += document.name.endswith(OCR_SUFFIX)
    return markdown_table(list(counts.values()), ["layout", "documents", "pages", "ocr_read"])


@dg.asset(
    deps=[dg.AssetKey("argilla_corrections"), dg.AssetKey("vessel_registry")],
    group_name=TRAINING_GROUP,
    kinds={"huggingface", "duckdb"},
    code_version=source_version("training/dataset.py", "training/reference.py", "domain/alignment.py", "samples"),
    automation_condition=NIGHTLY_TRAINING,
    description="Gold pages (Argilla corrections) + silver pages (documents generated from registry records) "
    "+ the handwritten reference pages (train only), split by document with a frozen gold test split, "
    "published to the dataset repo of the model hub. "
    "Starts the nightly training chain.",
)
def ner_training_dataset(
    context: dg.AssetExecutionContext,
    config: NerDatasetConfig,
    warehouse: WarehouseResource,
    model_hub: ModelHubResource,
    registry_lists: RegistryListsResource,
) -> dg.Output[str]:
    from oceanid_dagster.samples.generator import silver_documents

    hub = model_hub.client()
    with tempfile.TemporaryDirectory(prefix="ner-dataset-") as work_dir:
        frozen, previous = published_gold_test_ids(hub, model_hub.dataset_repo, Path(work_dir) / "previous")
        context.log.info(f"previous dataset {previous or '(none)'}: {len(frozen)} gold test documents stay in test")
        gold_report: Counter = Counter()
        gold = gold_pages(warehouse.reviewed_pages(), warehouse.entity_corrections(), gold_report)
        for reason, count in gold_report.items():
            context.log.warning(f"{count} {reason}")
        records, registry_origin = registry_records(warehouse, registry_lists)
        generated = silver_documents(records, config.silver_documents, config.seed, config.ocr_share)
        silver = silver_pages(generated)
        handwritten = (
            handwritten_pages(reference_pages(settings.reference_pages_dir())) if config.handwritten_pages else []
        )
        context.log.info(f"{len(gold)} gold pages, {len(silver)} silver pages, {len(handwritten)} handwritten pages")
        fractions = SplitFractions(test=config.test_fraction, validation=config.validation_fraction)
        gold_test = gold_test_ids(gold, frozen, fractions)
        dataset = build_dataset(
            gold + silver + handwritten,
            frozen_test_ids=gold_test,
            fractions=fractions,
            max_words=config.max_words,
            gold_repeats=config.gold_repeats,
            handwritten_repeats=config.handwritten_repeats,
        )
        shipping_test = evaluation_pages(gold + silver, gold_test, fractions)
        revision = datetime.now(timezone.utc).strftime(DATASET_REVISION_FORMAT)
        folder = save_dataset(dataset, Path(work_dir) / revision)
        save_evaluation_pages(folder, shipping_test)
        kinds = learnt_kinds(gold, gold_test)
        save_learnt_kinds(folder, kinds)
        publish_dataset(hub, model_hub.dataset_repo, folder, revision)
    stats = split_statistics(dataset)
    return dg.Output(
        revision,
        data_version=dg.DataVersion(revision),
        metadata={
            "revision": revision,
            "repo": model_hub.dataset_repo,
            "previous_revision": previous or "",
            "gold_pages": len(gold),
            "evaluation_pages": len(shipping_test),
            "evaluation_pages_source": shipping_test[0].source if shipping_test else "none",
            "learnt_kinds": len(kinds),
            "gold_report": dg.MetadataValue.json(dict(gold_report)),
            "silver_pages": len(silver),
            "handwritten_pages": len(handwritten),
            "silver_layouts": dg.MetadataValue.md(_silver_table(generated)),
            "silver_records_from": registry_origin,
            "frozen_gold_test_documents": len(frozen),
            "gold_test_documents": len(gold_test),
            **{f"{split}_examples": stats[split]["examples"] for split in SPLITS},
            "splits": dg.MetadataValue.md(_split_table(stats)),
            "card": dg.MetadataValue.md(dataset_card(dataset)),
        },
    )
