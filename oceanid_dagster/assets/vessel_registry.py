"""``vessel_registry``: the RFMO authorised-vessel lists normalised into ``registry_vessels`` (the
gazetteer, the identifiers entities are linked to, the records silver training data is made of),
and ``entity_vessel_links``: extracted identifiers matched to known vessels."""

import os
from collections import Counter

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from pydantic import Field

from oceanid_dagster.assets.batch import markdown_table
from oceanid_dagster.assets.extracted_entities import extracted_entities
from oceanid_dagster.domain.identifiers import validate_identifier
from oceanid_dagster.resources.warehouse import Replacement, WarehouseResource
from oceanid_dagster.samples.registry_csv import load_sample_registry, read_registry_dir


class VesselRegistryConfig(Config):
    registry_dir: str | None = Field(
        default_factory=lambda: os.environ.get("OCEANID_REGISTRY_DIR"),
        description="Folder of published RFMO CSV lists; unset = the sample shipped with the package.",
    )


@asset(
    group_name="registry",
    kinds={"csv", "duckdb"},
    description="RFMO authorised-vessel lists (CCSBT, NAFO, NEAFC, NPFC, SPRFMO...) normalised to one "
    "schema; each source's rows replaced in one transaction.",
)
def vessel_registry(config: VesselRegistryConfig, warehouse: WarehouseResource) -> MaterializeResult:
    records = read_registry_dir(config.registry_dir) if config.registry_dir else load_sample_registry()
    by_source: dict[str, list[dict]] = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    warehouse.replace_many(
        "registry_vessels", [Replacement({"source": source}, rows) for source, rows in sorted(by_source.items())]
    )
    filled = Counter(column for record in records for column, value in record.items() if value is not None)
    return MaterializeResult(
        metadata={
            "vessels": len(records),
            "vessels_by_source": MetadataValue.json({source: len(rows) for source, rows in sorted(by_source.items())}),
            "origin": config.registry_dir or "packaged sample",
            "column_fill_rate": MetadataValue.json({column: round(count / len(records), 3) for column, count in filled.items()}),
            "preview": MetadataValue.md(
                markdown_table(records, ["source", "source_vessel_id", "vessel_name", "imo", "ircs", "flag", "owner"])
            ),
        }
    )


@asset_check(asset=vessel_registry, description="Every IMO in the registry passes its check digit.")
def registry_imos_are_valid(warehouse: WarehouseResource) -> AssetCheckResult:
    rows = warehouse.query("SELECT source, source_vessel_id, imo FROM registry_vessels WHERE imo IS NOT NULL")
    invalid = [row for row in rows if not validate_identifier("IMO", row["imo"]).ok]
    return AssetCheckResult(
        passed=not invalid,
        severity=AssetCheckSeverity.WARN,
        metadata={"imos": len(rows), "invalid": len(invalid), "examples": MetadataValue.md(markdown_table(invalid, ["source", "source_vessel_id", "imo"]))},
    )


LINKS_SQL = """
CREATE OR REPLACE TABLE entity_vessel_links AS
WITH identifiers AS (
    SELECT document_id, page_number, start_char, end_char, label, text,
           upper(regexp_replace(text, '[^0-9A-Za-z]', '', 'g')) AS key
    FROM entities WHERE label IN ('IMO', 'MMSI', 'IRCS')
)
SELECT i.document_id, i.page_number, i.start_char, i.end_char, i.label, i.text,
       r.source, r.source_vessel_id, r.vessel_name, r.flag
FROM identifiers i
JOIN registry_vessels r ON (
       (i.label = 'IMO'  AND regexp_replace(i.key, '^IMO', '') = r.imo)
    OR (i.label = 'MMSI' AND i.key = r.mmsi)
    OR (i.label = 'IRCS' AND i.key = upper(regexp_replace(r.ircs, '[^0-9A-Za-z]', '', 'g'))))
"""


@asset(
    deps=[extracted_entities, vessel_registry],
    group_name="registry",
    kinds={"duckdb"},
    description="Extracted IMO/MMSI/call-sign entities linked to the registry vessels they identify.",
)
def entity_vessel_links(warehouse: WarehouseResource) -> MaterializeResult:
    warehouse.execute(LINKS_SQL)
    links = warehouse.query("SELECT * FROM entity_vessel_links ORDER BY document_id, page_number, start_char")
    identifiers = warehouse.query("SELECT count(*) AS n FROM entities WHERE label IN ('IMO', 'MMSI', 'IRCS')")[0]["n"]
    linked = len({(row["document_id"], row["page_number"], row["start_char"], row["label"]) for row in links})
    return MaterializeResult(
        metadata={
            "links": len(links),
            "identifiers": identifiers,
            "linked_share": round(linked / identifiers, 3) if identifiers else 0.0,
            "documents_with_known_vessels": len({row["document_id"] for row in links}),
            "preview": MetadataValue.md(markdown_table(links, ["document_id", "label", "text", "source", "vessel_name", "flag"])),
        }
    )
