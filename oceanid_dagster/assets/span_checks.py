"""The check every table of character spans shares: its text equals the page text at its offsets."""

from collections.abc import Sequence

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from oceanid_dagster.assets.batch import markdown_table
from oceanid_dagster.resources.warehouse import WarehouseResource, check_identifier


def span_text_check(warehouse: WarehouseResource, table: str, shown_columns: Sequence[str]) -> AssetCheckResult:
    """Fails (ERROR) naming the rows of ``table`` whose ``text`` is not ``raw_ocr.text[start_char:end_char]``."""
    columns = ", ".join(f"s.{check_identifier(column)}" for column in shown_columns)
    mismatches = warehouse.query(
        f"""
        SELECT {columns}, substring(o.text, s.start_char + 1, s.end_char - s.start_char) AS page_text
        FROM {check_identifier(table)} s LEFT JOIN raw_ocr o USING (document_id, page_number)
        WHERE o.text IS NULL OR substring(o.text, s.start_char + 1, s.end_char - s.start_char) <> s.text
        """
    )
    return AssetCheckResult(
        passed=not mismatches,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "mismatched_rows": len(mismatches),
            "examples": MetadataValue.md(markdown_table(mismatches, [*shown_columns, "page_text"])),
        },
    )
