"""``entity_vessel_links``: extracted IMO / MMSI / call-sign entities matched to the registry vessels
they identify. Rebuilt with the registry every night."""

import dagster as dg

from oceanid_dagster.defs.assets.extracted_entities import extracted_entities
from oceanid_dagster.defs.assets.vessel_registry import vessel_registry
from oceanid_dagster.defs.automation import REGISTRY_REFRESH
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.defs.versions import source_version


@dg.asset(
    deps=[extracted_entities, vessel_registry],
    group_name="registry",
    kinds={"duckdb"},
    automation_condition=REGISTRY_REFRESH,
    # The matching rules are the warehouse's rebuild_entity_vessel_links.
    code_version=source_version("defs/resources/warehouse.py"),
    description="Extracted IMO/MMSI/call-sign entities linked to the registry vessels they identify.",
)
def entity_vessel_links(warehouse: WarehouseResource) -> dg.MaterializeResult:
    links = warehouse.rebuild_entity_vessel_links()
    identifiers = warehouse.linkable_identifier_count()
    linked = len({(row["document_id"], row["page_number"], row["start_char"], row["label"]) for row in links})
    return dg.MaterializeResult(
        metadata={
            "links": len(links),
            "identifiers": identifiers,
            "linked_share": round(linked / identifiers, 3) if identifiers else 0.0,
            "documents_with_known_vessels": len({row["document_id"] for row in links}),
            "preview": dg.MetadataValue.md(
                markdown_table(links, ["document_id", "label", "text", "source", "vessel_name", "flag"])
            ),
        }
    )
