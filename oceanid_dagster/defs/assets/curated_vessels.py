"""``curated_vessels``: the registries and the extracted and corrected entities resolved into one
record per vessel in PostgreSQL ``curated``: identifiers, names, flags, owners, gear and ports as
facts with the period and the source that asserts them. Conflicts are ``curated.v_conflicts`` and
an asset check. Re-running it with the same inputs changes nothing."""

import time
from collections import Counter, defaultdict
from datetime import timedelta

import dagster as dg

from oceanid_dagster.defs.assets.staged_extractions import staged_extractions
from oceanid_dagster.defs.assets.vessel_registry import vessel_registry
from oceanid_dagster.defs.automation import with_upstream
from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.postgres import PostgresResource, curated_store_configured
from oceanid_dagster.defs.resources.warehouse import WarehouseResource
from oceanid_dagster.defs.versions import source_version
from oceanid_dagster.domain.ports import resolve_port
from oceanid_dagster.domain.resolution import Resolution, ResolvedVessel, resolve
from oceanid_dagster.domain.vessel_records import (
    SourceRecord,
    corrected_entities,
    normalise_attribute,
    page_records,
    registry_record,
)

VESSELS_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("vessel_id", "uuid", description="stable while the vessel's key stays"),
        dg.TableColumn("vessel_key", "text", description="strongest identifier: IMO:..., MMSI:..., IRCS:..., NAME:..."),
        dg.TableColumn("name", "text", description="the name the most trusted sources give most often"),
        dg.TableColumn("flag", "text", description="ISO 3166 alpha-3"),
        dg.TableColumn("imo", "text"),
        dg.TableColumn("sources", "integer", description="source records resolved into this vessel"),
        dg.TableColumn("promoted_at", "timestamptz", description="last time any of these values changed"),
    ]
)


def source_records(warehouse: WarehouseResource, postgres: PostgresResource, skipped: Counter) -> list[SourceRecord]:
    registry = [record for row in warehouse.registry_vessels() if (record := registry_record(row, skipped))]
    return registry + document_records(postgres.latest_page_entities(), postgres.latest_page_corrections(), skipped)


def document_records(entities: list[dict], corrections: list[dict], skipped: Counter) -> list[SourceRecord]:
    """Vessels mentioned on the pages of the latest extractions; a reviewed page's latest corrections
    replace what the extractor found on it."""
    pages: dict[tuple[str, int], list[dict]] = defaultdict(list)
    corrected: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in entities:
        pages[(row["document_id"], row["page_number"])].append(row)
    for row in corrections:
        corrected[(row["document_id"], row["page_number"])].append(row)
    records: list[SourceRecord] = []
    for (document_id, page_number), rows in sorted({**pages, **corrected}.items()):
        if (document_id, page_number) in corrected:
            kind, spans = "correction", corrected_entities(corrected[(document_id, page_number)])
        else:
            kind, spans = Counter(row["source"] for row in rows).most_common(1)[0][0], rows
        observed_on = rows[0]["registered_at"].date()
        records += page_records(f"{kind}:{document_id}:p{page_number}", kind, spans, observed_on, skipped)
    return records


def curated_rows(resolution: Resolution) -> tuple[list[dict], dict[str, list[dict]], list[dict]]:
    """Rows for ``curated``: vessels, facts by table (naming vessels by key), ports."""
    vessels, facts, ports = [], defaultdict(list), {}
    for vessel in resolution.vessels:
        flag = vessel.best("flag")
        flag = normalise_attribute("flag", flag) if flag else None
        vessels.append(
            {
                "vessel_key": vessel.key,
                "name": vessel.best("name"),
                "flag": flag,
                "imo": vessel.imo,
                "sources": len(vessel.records),
            }
        )
        facts["vessel_identifiers"] += [_claim_row(vessel.key, claim) for claim in vessel.identifiers]
        facts["disputed_identifiers"] += [
            {**_claim_row(vessel.key, claim), "held_by_key": holder} for claim, holder in vessel.disputed
        ]
        facts["vessel_attributes"] += _attribute_rows(vessel, flag or "", ports)
    return vessels, dict(facts), list(ports.values())


def _claim_row(vessel_key: str, claim) -> dict:
    return {
        "vessel_key": vessel_key,
        "scheme": claim.scheme,
        "issuer": claim.issuer,
        "value": claim.value,
        "valid": claim.valid,
        "source_kind": claim.kind,
        "source_ref": claim.ref,
    }


def _attribute_rows(vessel: ResolvedVessel, flag: str, ports: dict[tuple[str, str], dict]) -> list[dict]:
    """The vessel's attribute facts; ``flag`` (its ISO code, or '' when unknown) places unknown ports."""
    rows = {}
    for fact in vessel.facts:
        row = {
            "vessel_key": vessel.key,
            "attribute": fact.attribute,
            "value": fact.value,
            "normalized": fact.normalized,
            "valid": fact.valid,
            "source_kind": fact.kind,
            "source_ref": fact.ref,
            "port": None,
        }
        if fact.attribute == "port":
            port = resolve_port(fact.value, flag if len(flag) == 3 else "")
            entry = ports.setdefault((port.name, port.country), {**port.__dict__, "spellings": set()})
            row["port"] = f"{fact.value}|{flag}"
            entry["spellings"].add(row["port"])
        # one fact per (attribute, normalized value, source, period): a source repeating itself is one
        rows[(fact.attribute, fact.normalized, fact.ref, fact.valid)] = row
    return list(rows.values())


@dg.asset(
    deps=[vessel_registry, staged_extractions],
    group_name="curated",
    kinds={"postgres", "postgis"},
    code_version=source_version(
        "defs/assets/curated_vessels.py",
        "domain/resolution.py",
        "domain/vessel_records.py",
        "domain/ports.py",
        "defs/resources/postgres.py",
    ),
    automation_condition=with_upstream("staged_extractions") if curated_store_configured() else None,
    freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=26), warn_window=timedelta(hours=2)),
    metadata={"dagster/column_schema": VESSELS_SCHEMA, "dagster/table_name": "curated.vessels"},
    description="Registries + extracted + corrected entities resolved into vessels (exact identifiers, then "
    "name + flag + attributes with rapidfuzz) with time-ranged, sourced facts in PostgreSQL curated.*.",
)
def curated_vessels(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, postgres: PostgresResource
) -> dg.MaterializeResult:
    postgres.require_current_schema()
    skipped: Counter = Counter()
    records = source_records(warehouse, postgres, skipped)
    started = time.perf_counter()
    resolution = resolve(records)
    resolve_s = time.perf_counter() - started
    vessels, facts, ports = curated_rows(resolution)
    counts = postgres.replace_curated(vessels, facts, ports)
    promote_s = time.perf_counter() - started
    if skipped:
        kinds = Counter()
        for reason, count in skipped.items():
            kinds[reason.split(" (", 1)[0]] += count  # "SPRFMO: invalid IRCS left out (got '412...')"
        context.log.warning("left out: " + "; ".join(f"{count} × {kind}" for kind, count in kinds.most_common()))
    conflicts = postgres.conflicts()
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": counts["vessels"],
            "source_records": dg.MetadataValue.json(dict(Counter(record.kind for record in records))),
            "merged_by": dg.MetadataValue.json(dict(resolution.merged_by)),
            "rows": dg.MetadataValue.json(counts),
            "conflicts": len(conflicts),
            "skipped": sum(skipped.values()),
            "skipped_reasons": dg.MetadataValue.json(dict(skipped.most_common(20))),
            "resolution_s": round(resolve_s, 2),
            "promotion_s": round(promote_s, 2),
            "database": postgres.display_url,
            "preview": dg.MetadataValue.md(
                markdown_table(vessels[:20], ["vessel_key", "name", "flag", "imo", "sources"])
            ),
        }
    )


@dg.asset_check(
    asset=curated_vessels,
    description="No two names or flags of one vessel in the same period, no identifier claimed by two vessels.",
)
def curated_vessels_agree(postgres: PostgresResource) -> dg.AssetCheckResult:
    conflicts = postgres.conflicts()
    return dg.AssetCheckResult(
        passed=not conflicts,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "conflicts": len(conflicts),
            "by_kind": dg.MetadataValue.json(dict(Counter(f"{row['kind']}:{row['field']}" for row in conflicts))),
            "conflicts_table": dg.MetadataValue.md(
                markdown_table(
                    conflicts[:50], ["kind", "vessel_key", "field", "value", "other_value", "sources", "during"]
                )
            ),
        },
    )
