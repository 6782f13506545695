"""The check every table of character spans shares: its text equals the page text at its offsets."""

from collections.abc import Sequence

import dagster as dg

from oceanid_dagster.defs.metadata import markdown_table
from oceanid_dagster.defs.resources.warehouse import WarehouseResource


def span_text_check(
    warehouse: WarehouseResource,
    table: str,
    shown_columns: Sequence[str],
    document_ids: Sequence[str] | None = None,
) -> dg.AssetCheckResult:
    """Fails (ERROR) naming the rows of ``table`` whose ``text`` is not ``raw_ocr.text[start_char:end_char]``
    (of ``document_ids`` only, when given)."""
    mismatches = warehouse.span_text_mismatches(table, shown_columns, document_ids)
    return dg.AssetCheckResult(
        passed=not mismatches,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            "mismatched_rows": len(mismatches),
            "examples": dg.MetadataValue.md(markdown_table(mismatches, [*shown_columns, "page_text"])),
        },
    )
