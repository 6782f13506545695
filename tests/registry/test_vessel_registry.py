"""vessel_registry from the packaged sample and from a folder of published lists; entity links."""

from __future__ import annotations

import shutil
from pathlib import Path

from dagster import materialize

from oceanid_dagster.defs.assets.entity_vessel_links import entity_vessel_links
from oceanid_dagster.defs.assets.vessel_registry import registry_imos_are_valid, vessel_registry
from oceanid_dagster.defs.resources.registry_lists import PACKAGED_SAMPLE, RegistryListsResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.samples.registry_csv import load_sample_registry

SAMPLE_DATA = Path(__file__).resolve().parents[2] / "oceanid_dagster/samples/data"
LOCAL_LISTS = RegistryListsResource(allow_packaged_sample=True)


def local_resources(warehouse: WarehouseResource, registry_lists: RegistryListsResource = LOCAL_LISTS) -> dict:
    return {"warehouse": warehouse, "registry_lists": registry_lists}


def test_registry_sample_is_normalised_into_the_warehouse_and_rerun_replaces_it(tmp_path):
    warehouse = WarehouseResource(database=str(tmp_path / "w.duckdb"))
    for _ in range(2):
        result = materialize([vessel_registry, registry_imos_are_valid], resources=local_resources(warehouse))
        assert result.success
    rows = warehouse.query("SELECT source, count(*) AS n FROM registry_vessels GROUP BY source ORDER BY source")
    expected = {}
    for record in load_sample_registry():
        expected[record["source"]] = expected.get(record["source"], 0) + 1
    assert {row["source"]: row["n"] for row in rows} == expected
    assert set(expected) == {"CCSBT", "NAFO", "NEAFC", "NPFC", "SPRFMO"}
    [check] = result.get_asset_check_evaluations()
    assert check.passed
    assert result.asset_materializations_for_node("vessel_registry")[0].metadata["origin"].value == PACKAGED_SAMPLE


def test_production_without_published_lists_fails_saying_what_to_set(tmp_path):
    warehouse = WarehouseResource(database=str(tmp_path / "w.duckdb"))
    result = materialize(
        [vessel_registry], resources=local_resources(warehouse, RegistryListsResource()), raise_on_error=False
    )
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    error, message = failure.step_failure_data.error, ""
    while error is not None:  # the step error, then what raised it
        message, error = message + error.message, error.cause
    assert "OCEANID_REGISTRY_DIR" in message and "only used in the local profile" in message
    assert warehouse.registry_vessels() == []


def test_registry_dir_config_reads_published_lists(tmp_path):
    lists = tmp_path / "lists"
    lists.mkdir()
    [nafo] = SAMPLE_DATA.glob("NAFO*.csv")
    shutil.copy(nafo, lists)
    warehouse = WarehouseResource(database=str(tmp_path / "w.duckdb"))
    result = materialize(
        [vessel_registry], resources=local_resources(warehouse, RegistryListsResource(registry_dir=str(lists)))
    )
    assert result.success
    assert result.asset_materializations_for_node("vessel_registry")[0].metadata["origin"].value == str(lists)
    assert {row["source"] for row in warehouse.query("SELECT DISTINCT source FROM registry_vessels")} == {"NAFO"}


def test_extracted_identifiers_link_to_registry_vessels(tmp_path):
    warehouse = WarehouseResource(database=str(tmp_path / "w.duckdb"))
    assert materialize([vessel_registry], resources=local_resources(warehouse)).success
    known = warehouse.query(
        "SELECT imo, ircs, vessel_name, source_vessel_id FROM registry_vessels "
        "WHERE imo IS NOT NULL AND ircs IS NOT NULL LIMIT 1"
    )[0]
    text = f"IMO {known['imo']} / {known['ircs']} / IMO 9999993"
    start_ircs = text.index(known["ircs"])
    warehouse.upsert_rows(
        "entities",
        [
            entity("doc", 4, 4 + len(known["imo"]), "IMO", known["imo"]),
            entity("doc", start_ircs, start_ircs + len(known["ircs"]), "IRCS", known["ircs"]),
            entity("doc", text.rindex("9999993"), text.rindex("9999993") + 7, "IMO", "9999993"),
        ],
    )

    result = materialize([entity_vessel_links], resources={"warehouse": warehouse})

    assert result.success
    links = warehouse.query("SELECT label, source_vessel_id FROM entity_vessel_links ORDER BY label")
    assert {row["label"] for row in links} == {"IMO", "IRCS"}
    assert known["source_vessel_id"] in {row["source_vessel_id"] for row in links}
    metadata = result.asset_materializations_for_node("entity_vessel_links")[0].metadata
    assert metadata["linked_share"].value == round(2 / 3, 3)


def entity(document_id, start, end, label, text):
    return {
        "document_id": document_id,
        "page_number": 1,
        "start_char": start,
        "end_char": end,
        "label": label,
        "text": text,
        "confidence": 0.9,
        "source": "rules",
        "model_version": "test",
        "extracted_at": "2026-01-01T00:00:00Z",
    }
