"""When things run on their own: declarative automation conditions, and the sensor that evaluates them.

* ingestion: the partitions ``uploaded_files`` adds are read by ``documents`` → ``raw_ocr`` →
  ``extracted_entities`` (→ ``argilla_records`` where Argilla is configured), as one backfill run;
* the training chain every night: ``ner_training_dataset`` on a cron (``OCEANID_TRAINING_CRON``,
  default 02:00 UTC), then model → ONNX → release as soon as what they are built from is updated
  and its blocking checks passed;
* the registry on a cron (``OCEANID_REGISTRY_CRON``, default 01:00 UTC, before training), and the
  identifier links right after it;
* a new release (a new data version of ``ner_model_release``) re-extracts every document already
  extracted, and re-suggests its pages in Argilla where Argilla is configured.

Hand-written sensors remain only for outside systems: ``upload_sensor`` and ``annotation_sensor``.
"""

from __future__ import annotations

import os

import dagster as dg

TIMEZONE = "UTC"


def training_cron() -> str:
    return os.environ.get("OCEANID_TRAINING_CRON", "0 2 * * *")


def registry_cron() -> str:
    return os.environ.get("OCEANID_REGISTRY_CRON", "0 1 * * *")


def on_cron_tick(cron: str, label: str) -> dg.AutomationCondition:
    """Once per tick of ``cron``, whatever its dependencies did (unlike ``on_cron``, which also waits
    for every dependency to update after the tick): nothing launches on the sensor's first tick."""
    return (
        dg.AutomationCondition.cron_tick_passed(cron, TIMEZONE).since_last_handled()
        & ~dg.AutomationCondition.in_progress()
    ).with_label(f"{label} ({cron} {TIMEZONE})")


def after_upstream() -> dg.AutomationCondition:
    """As soon as what the asset is built from is updated (or requested in the same tick) and every
    blocking check of it passed: the rest of a chain follows its first asset into the same run."""
    return (dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()).with_label(
        "after upstream, blocking checks passed"
    )


def _upstream(asset_key: str, condition: dg.AutomationCondition) -> dg.AutomationCondition:
    return dg.AutomationCondition.any_deps_match(condition).allow(dg.AssetSelection.assets(asset_key))


def after(asset_key: str) -> dg.AutomationCondition:
    """A partition of a per-document stage follows the same partition of ``asset_key``: into the same run
    when both are requested in one tick (a new document), or on its own once ``asset_key`` updated it."""
    upstream_updated = _upstream(
        asset_key, dg.AutomationCondition.newly_updated() | dg.AutomationCondition.will_be_requested()
    )
    upstream_missing = _upstream(
        asset_key, dg.AutomationCondition.missing() & ~dg.AutomationCondition.will_be_requested()
    )
    return (
        (dg.AutomationCondition.newly_missing() | upstream_updated).since_last_handled()
        & ~upstream_missing
        & ~_upstream(asset_key, dg.AutomationCondition.in_progress())
        & ~dg.AutomationCondition.in_progress()
    ).with_label(f"after {asset_key}")


def redone_after(asset_key: str, change: dg.AutomationCondition, label: str) -> dg.AutomationCondition:
    """Partitions already materialised are redone once ``asset_key`` shows ``change`` (outside the run
    that materialised both)."""
    return (
        _upstream(asset_key, change).since_last_handled()
        & ~dg.AutomationCondition.missing()
        & ~dg.AutomationCondition.in_progress()
        & ~dg.AutomationCondition.any_deps_in_progress()
    ).with_label(label)


NIGHTLY_TRAINING = on_cron_tick(training_cron(), "nightly training")
REGISTRY_REFRESH = on_cron_tick(registry_cron(), "registry refresh")
RE_EXTRACT_ON_RELEASE = redone_after(
    "ner_model_release", dg.AutomationCondition.data_version_changed(), "new ner_model_release"
)
READ_AFTER_DOCUMENTS = after("documents")
EXTRACT_AFTER_READING_OR_RELEASE = (after("raw_ocr") | RE_EXTRACT_ON_RELEASE).with_label(
    "after raw_ocr, or a new release"
)
# New and re-extracted pages go to Argilla (where it is configured).
SUGGEST_AFTER_EXTRACTION = after("extracted_entities")

automation_sensor = dg.AutomationConditionSensorDefinition(
    name="automation_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=15,
    description="Evaluates the assets' automation conditions: ingestion of new documents, nightly training, "
    "registry refresh and linking, re-extraction and re-suggestion when a new model release lands.",
)
