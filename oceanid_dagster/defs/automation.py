"""When things run on their own: declarative automation conditions, and the sensor that evaluates them.

* ingestion is not here: ``ingestion_sensor`` launches the run over the partitions ``uploaded_files``
  adds itself (automation would hand them to a backfill, a daemon tick later);
* the training chain every night: ``ner_training_dataset`` on a cron (``OCEANID_TRAINING_CRON``,
  default 02:00 UTC), with model → ONNX → release in the same run (the release only once the
  ONNX export's blocking checks passed);
* the registry on a cron (``OCEANID_REGISTRY_CRON``, default 01:00 UTC, before training), and the
  identifier links right after it;
* the curated store (where ``DATABASE_URL`` is set) every hour (``OCEANID_PROMOTION_CRON``, default
  minute 15): ``staged_extractions`` then ``curated_vessels`` in one run;
* a new release (a new data version of ``ner_model_release``) re-extracts every document already
  extracted, and re-suggests its pages in Argilla where Argilla is configured.

Hand-written sensors remain for outside systems (``upload_sensor``, ``annotation_sensor``) and for
the one launch that cannot wait for a backfill daemon tick (``ingestion_sensor``).
"""

from __future__ import annotations

import os

import dagster as dg

TIMEZONE = "UTC"


def training_cron() -> str:
    return os.environ.get("OCEANID_TRAINING_CRON", "0 2 * * *")


def registry_cron() -> str:
    return os.environ.get("OCEANID_REGISTRY_CRON", "0 1 * * *")


def promotion_cron() -> str:
    return os.environ.get("OCEANID_PROMOTION_CRON", "15 * * * *")


def on_cron_tick(cron: str, label: str) -> dg.AutomationCondition:
    """Once per tick of ``cron``, whatever its dependencies did (unlike ``on_cron``, which also waits
    for every dependency to update after the tick): nothing launches on the sensor's first tick."""
    return (
        dg.AutomationCondition.cron_tick_passed(cron, TIMEZONE).since_last_handled()
        & ~dg.AutomationCondition.in_progress()
    ).with_label(f"{label} ({cron} {TIMEZONE})")


def _upstream(asset_key: str, condition: dg.AutomationCondition) -> dg.AutomationCondition:
    return dg.AutomationCondition.any_deps_match(condition).allow(dg.AssetSelection.assets(asset_key))


def with_upstream(asset_key: str | None = None) -> dg.AutomationCondition:
    """Requested in the same tick as its upstream (``asset_key``, or any), so it runs in the same run,
    after it. It does not react to upstream updates by itself: a run that failed or was killed is
    retried by the instance (run retries), not launched a second time by automation."""
    requested = dg.AutomationCondition.will_be_requested()
    joins = _upstream(asset_key, requested) if asset_key else dg.AutomationCondition.any_deps_match(requested)
    return (joins & ~dg.AutomationCondition.in_progress()).with_label(f"with {asset_key or 'upstream'}")


def after_upstream() -> dg.AutomationCondition:
    """The training chain: in the run of its first asset, each step once the blocking checks of the one
    before passed (a failed ONNX check stops the release)."""
    return (with_upstream() & dg.AutomationCondition.all_deps_blocking_checks_passed()).with_label(
        "with upstream, blocking checks passed"
    )


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
CURATED_PROMOTION = on_cron_tick(promotion_cron(), "curated store promotion")
# New and re-extracted pages go to Argilla (where it is configured).
SUGGEST_AFTER_EXTRACTION = with_upstream("extracted_entities")

automation_sensor = dg.AutomationConditionSensorDefinition(
    name="automation_sensor",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=15,
    description="Evaluates the assets' automation conditions: nightly training, "
    "registry refresh and linking, re-extraction and re-suggestion when a new model release lands.",
)
