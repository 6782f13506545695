"""``vessel_registry``: the RFMO authorised-vessel lists normalised into ``registry_vessels``: the
gazetteer, the identifiers entities are linked to, the records silver training data is made of."""

from collections import Counter

import dagster as dg

from oceanid_dagster.defs.automation import REGISTRY_REFRESH
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.registry_lists import RegistryListsResource
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.domain.identifiers import validate_identifier


@dg.asset(
    group_name="registry",
    kinds={"csv", "duckdb"},
    code_version=source_version("domain/registry.py", "samples/registry_csv.py"),
    automation_condition=REGISTRY_REFRESH,
    description="RFMO authorised-vessel lists (CCSBT, NAFO, NEAFC, NPFC, SPRFMO...) normalised to one "
    "schema; each source's rows replaced in one transaction. Refreshed every night before training.",
)
def vessel_registry(warehouse: WarehouseResource, registry_lists: RegistryListsResource) -> dg.MaterializeResult:
    skipped: Counter = Counter()
    records, origin = registry_lists.read(skipped)
    by_source: dict[str, list[dict]] = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    warehouse.replace_registry(by_source)
    filled = Counter(column for record in records for column, value in record.items() if value is not None)
    return dg.MaterializeResult(
        metadata={
            "vessels": len(records),
            "vessels_by_source": dg.MetadataValue.json(
                {source: len(rows) for source, rows in sorted(by_source.items())}
            ),
            "origin": origin,
            "skipped_rows": sum(skipped.values()),
            "skipped_reasons": dg.MetadataValue.json(dict(skipped.most_common(20))),
            "column_fill_rate": dg.MetadataValue.json(
                {column: round(count / len(records), 3) for column, count in filled.items()}
            ),
            "preview": dg.MetadataValue.md(
                markdown_table(records, ["source", "source_vessel_id", "vessel_name", "imo", "ircs", "flag", "owner"])
            ),
        }
    )


@dg.asset_check(asset=vessel_registry, description="Every IMO in the registry passes its check digit.")
def registry_imos_are_valid(warehouse: WarehouseResource) -> dg.AssetCheckResult:
    rows = warehouse.registry_imos()
    invalid = [row for row in rows if not validate_identifier("IMO", row["imo"]).ok]
    return dg.AssetCheckResult(
        passed=not invalid,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "imos": len(rows),
            "invalid": len(invalid),
            "examples": dg.MetadataValue.md(markdown_table(invalid, ["source", "source_vessel_id", "imo"])),
        },
    )
