"""When things run on their own: declarative automation conditions, and the sensor that evaluates them.

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


def redone_after(asset_key: str, change: dg.AutomationCondition, label: str) -> dg.AutomationCondition:
    """Partitions already materialised are redone once ``asset_key`` shows ``change`` (outside the run
    that materialised both)."""
    changed = dg.AutomationCondition.any_deps_match(change).allow(dg.AssetSelection.assets(asset_key))
    return (
        changed.since_last_handled()
        & ~dg.AutomationCondition.missing()
        & ~dg.AutomationCondition.in_progress()
        & ~dg.AutomationCondition.any_deps_in_progress()
    ).with_label(label)


NIGHTLY_TRAINING = on_cron_tick(training_cron(), "nightly training")
REGISTRY_REFRESH = on_cron_tick(registry_cron(), "registry refresh")
RE_EXTRACT_ON_RELEASE = redone_after(
    "ner_model_release", dg.AutomationCondition.data_version_changed(), "new ner_model_release"
)
RE_SUGGEST_ON_EXTRACTION = redone_after(
    "extracted_entities", dg.AutomationCondition.newly_updated(), "extracted_entities updated"
)

automation_sensor = dg.AutomationConditionSensorDefinition(
    name="automation_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Evaluates the assets' automation conditions: nightly training, registry refresh and "
    "linking, re-extraction and re-suggestion when a new model release lands.",
)
