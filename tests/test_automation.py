"""Declarative automation of the whole code location, evaluated tick by tick as the automation sensor
does: nightly training, the registry refresh, re-extraction when a new release lands."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import dagster as dg
import pytest

from oceanid_dagster.definitions import defs as code_location
from oceanid_dagster.defs.automation import RE_EXTRACT_ON_RELEASE as RE_EXTRACT
from oceanid_dagster.defs.automation import SUGGEST_AFTER_EXTRACTION as SUGGEST
from oceanid_dagster.defs.selections import TRAINING_ASSETS

NIGHT = datetime(2026, 11, 28, tzinfo=timezone.utc)


@pytest.fixture
def definitions(home) -> dg.Definitions:
    return code_location()


class Ticks:
    """Consecutive evaluations, each from the cursor of the one before."""

    def __init__(self, definitions: dg.Definitions, instance: dg.DagsterInstance):
        self.definitions, self.instance, self.cursor = definitions, instance, None

    def at(self, when: datetime) -> dg.EvaluateAutomationConditionsResult:
        result = dg.evaluate_automation_conditions(
            defs=self.definitions, instance=self.instance, evaluation_time=when, cursor=self.cursor
        )
        self.cursor = result.cursor
        return result


def requested(result) -> set[str]:
    keys = {r.key for r in result.results if isinstance(r.key, dg.AssetKey)}
    return {key.to_user_string() for key in keys if result.get_num_requested(key)}


def test_nothing_launches_on_the_first_tick(definitions, instance):
    assert requested(Ticks(definitions, instance).at(NIGHT + timedelta(hours=2, minutes=1))) == set()


def test_the_training_chain_runs_every_night_at_two_utc(definitions, instance):
    ticks = Ticks(definitions, instance)
    ticks.at(NIGHT + timedelta(hours=1, minutes=30))

    assert requested(ticks.at(NIGHT + timedelta(hours=1, minutes=59))) == set()
    assert requested(ticks.at(NIGHT + timedelta(hours=2, minutes=1))) == set(TRAINING_ASSETS)
    assert requested(ticks.at(NIGHT + timedelta(hours=2, minutes=5))) == set(), "once per night"
    assert requested(ticks.at(NIGHT + timedelta(days=1, hours=1, minutes=30))) == {
        "vessel_registry",
        "entity_vessel_links",
    }
    assert requested(ticks.at(NIGHT + timedelta(days=1, hours=2, minutes=1))) == set(TRAINING_ASSETS), "and the next"


def test_the_registry_and_its_links_are_refreshed_before_training(definitions, instance):
    ticks = Ticks(definitions, instance)
    ticks.at(NIGHT + timedelta(minutes=30))

    assert requested(ticks.at(NIGHT + timedelta(hours=1, minutes=1))) == {"vessel_registry", "entity_vessel_links"}


def _materialise_release(instance: dg.DagsterInstance, version: str) -> None:
    """A ner_model_release run as it ends: its value and data version are the release serving."""

    @dg.asset(name="ner_model_release")
    def release() -> dg.Output[str]:
        return dg.Output(version, data_version=dg.DataVersion(version))

    assert dg.materialize([release], instance=instance).success


def test_a_new_release_re_extracts_the_documents_already_extracted(definitions, instance):
    instance.add_dynamic_partitions("documents", ["doc-a", "doc-b", "doc-failed"])
    for key in ("doc-a", "doc-b"):
        instance.report_runless_asset_event(dg.AssetMaterialization("extracted_entities", partition=key))
    _materialise_release(instance, "release-1")
    ticks = Ticks(definitions, instance)
    ticks.at(NIGHT)

    _materialise_release(instance, "release-2")
    after_new_release = ticks.at(NIGHT + timedelta(minutes=1))

    assert after_new_release.get_requested_partitions(dg.AssetKey("extracted_entities")) == {"doc-a", "doc-b"}

    _materialise_release(instance, "release-2")  # a refused challenger: the champion stays
    assert requested(ticks.at(NIGHT + timedelta(minutes=2))) == set()


def test_new_and_re_extracted_pages_go_to_argilla_where_it_is_configured(instance):
    """The condition argilla_records carries when ARGILLA_API_URL is set (its import-time switch)."""
    documents = dg.DynamicPartitionsDefinition(name="documents")

    @dg.asset(name="ner_model_release")
    def release() -> dg.Output[str]:
        return dg.Output("release-2", data_version=dg.DataVersion("release-2"))

    @dg.asset(name="extracted_entities", partitions_def=documents, deps=[release], automation_condition=RE_EXTRACT)
    def extracted() -> None: ...

    @dg.asset(name="argilla_records", partitions_def=documents, deps=[extracted], automation_condition=SUGGEST)
    def records() -> None: ...

    instance.add_dynamic_partitions("documents", ["doc-a", "doc-b", "doc-failed"])
    for key in ("doc-a", "doc-b"):
        dg.materialize([extracted, records], instance=instance, partition_key=key)
    ticks = Ticks(dg.Definitions(assets=[release, extracted, records]), instance)
    ticks.at(NIGHT)

    assert dg.materialize([release], instance=instance).success  # a new release lands
    after = ticks.at(NIGHT + timedelta(minutes=1))

    assert after.get_requested_partitions(dg.AssetKey("extracted_entities")) == {"doc-a", "doc-b"}
    assert after.get_requested_partitions(dg.AssetKey("argilla_records")) == {"doc-a", "doc-b"}, "same run"
    assert requested(ticks.at(NIGHT + timedelta(minutes=2))) == set(), "once"


def test_new_documents_are_left_to_ingestion_sensor_and_never_launched_by_automation(definitions, instance):
    """ingestion_sensor launches the run over new partitions; automation launching them too would ingest
    each document twice, and a killed or failed run is retried by the instance (run retries)."""
    ticks = Ticks(definitions, instance)
    ticks.at(NIGHT)
    instance.add_dynamic_partitions("documents", ["doc-a"])
    instance.report_runless_asset_event(dg.AssetMaterialization("uploaded_files"))
    assert requested(ticks.at(NIGHT + timedelta(minutes=1))) == set()

    # a run read the document, then died in raw_ocr
    instance.report_runless_asset_event(dg.AssetMaterialization("documents", partition="doc-a"))
    assert requested(ticks.at(NIGHT + timedelta(minutes=2))) == set()
