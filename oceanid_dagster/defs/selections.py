"""The groups of definitions that run together outside the daemon: ``oceanid ingest`` materialises
the ingestion stages, ``oceanid train`` the training chain (the same assets the automation runs)."""

import dagster as dg

from oceanid_dagster.defs.assets import (
    documents,
    extracted_entities,
    ner_model,
    ner_model_onnx,
    ner_model_release,
    ner_training_dataset,
    raw_ocr,
)

INGESTION_MODULES = (documents, raw_ocr, extracted_entities)
TRAINING_MODULES = (ner_training_dataset, ner_model, ner_model_onnx, ner_model_release)
TRAINING_ASSETS = ("ner_training_dataset", "ner_model", "ner_model_onnx", "ner_model_release")


def _assets_and_checks(modules) -> list:
    return [*dg.load_assets_from_modules(list(modules)), *dg.load_asset_checks_from_modules(list(modules))]


def ingestion_definitions() -> list:
    """Assets and checks of documents → raw_ocr → extracted_entities."""
    return _assets_and_checks(INGESTION_MODULES)


def training_definitions() -> list:
    """Assets and checks of dataset → model → ONNX → release."""
    return _assets_and_checks(TRAINING_MODULES)
