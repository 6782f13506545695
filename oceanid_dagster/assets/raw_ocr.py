"""``raw_ocr``: the text of every page, from the PDF text layer or OCR for scans."""


from collections import Counter
from itertools import islice

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)

from oceanid_dagster.assets.batch import (
    WAREHOUSE_WRITER,
    FAILED,
    batch_documents,
    describe_error,
    fail_if_last_stage,
    mark_failed_sql,
    markdown_table,
    utc_now,
)
from oceanid_dagster.assets.documents import documents
from oceanid_dagster.pdf_reading import PageText
from oceanid_dagster.resources.document_store import DocumentStoreResource
from oceanid_dagster.resources.ocr_engine import OcrEngineResource
from oceanid_dagster.resources.warehouse import Replacement, WarehouseResource

WRITE_CHUNK = 32


def page_rows(document_id: str, pages: list[PageText]) -> list[dict]:
    ocr_at = utc_now()
    return [
        {
            "document_id": document_id,
            "page_number": page.page_number,
            "text": page.text,
            "method": page.method,
            "confidence": page.confidence,
            "ocr_at": ocr_at,
        }
        for page in pages
    ]


@asset(
    deps=[documents],
    **WAREHOUSE_WRITER,
    kinds={"tesseract", "duckdb"},
    description="One row per page: the PDF text layer where it is usable, tesseract (or the remote OCR "
    "engine) for scanned pages, with the method and a confidence.",
)
def raw_ocr(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    document_store: DocumentStoreResource,
    ocr_engine: OcrEngineResource,
) -> MaterializeResult:
    rows = [row for row in batch_documents(warehouse, context.partition_keys) if row["status"] != FAILED]
    names = {row["document_id"]: row["filename"] for row in rows}
    loaders = [(row["document_id"], _loader(document_store, row["source_uri"])) for row in rows]
    stats: Counter = Counter()
    preview: list[dict] = []
    results = ocr_engine.read_many(loaders)
    while chunk := list(islice(results, WRITE_CHUNK)):
        replacements, failures = [], []
        for document_id, result in chunk:
            if isinstance(result, Exception):
                reason = describe_error(result)
                context.log.error(f"{names[document_id]} ({document_id}): {reason}")
                failures.append(mark_failed_sql(document_id, reason))
                stats["failed_documents"] += 1
                continue
            replacements.append(
                Replacement(
                    {"document_id": document_id},
                    page_rows(document_id, result),
                    [("UPDATE documents SET page_count = ? WHERE document_id = ?", [len(result), document_id])],
                )
            )
            _count(stats, preview, document_id, result)
        warehouse.replace_many("raw_ocr", replacements)
        warehouse.execute_many(failures)
        context.log.info(f"raw_ocr: {stats['documents']} of {len(rows)} documents read")
    fail_if_last_stage(context, warehouse)
    return MaterializeResult(metadata=_metadata(stats, preview))


def _loader(document_store: DocumentStoreResource, uri: str):
    return lambda: document_store.read_bytes(uri, max_bytes=document_store.max_document_bytes)


def _count(stats: Counter, preview: list[dict], document_id: str, pages: list[PageText]) -> None:
    stats["documents"] += 1
    stats["pages"] += len(pages)
    for page in pages:
        stats[f"pages_{page.method}"] += 1
        stats["characters"] += len(page.text)
        if len(preview) < 20:
            preview.append(
                {
                    "document_id": document_id,
                    "page": page.page_number,
                    "method": page.method,
                    "confidence": page.confidence,
                    "chars": len(page.text),
                    "text": page.text,
                }
            )


def _metadata(stats: Counter, preview: list[dict]) -> dict:
    methods = {key.removeprefix("pages_"): value for key, value in stats.items() if key.startswith("pages_")}
    return {
        "documents": stats["documents"],
        "failed_documents": stats["failed_documents"],
        "pages": stats["pages"],
        "characters": stats["characters"],
        "pages_by_method": MetadataValue.json(methods),
        "preview": MetadataValue.md(markdown_table(preview, ["document_id", "page", "method", "confidence", "chars", "text"])),
    }


@asset_check(asset=raw_ocr, description="Every page of every read document has a raw_ocr row.")
def every_page_has_text(warehouse: WarehouseResource) -> AssetCheckResult:
    missing = warehouse.query(
        """
        SELECT d.document_id, d.filename, d.page_count, count(o.page_number) AS pages_read
        FROM documents d LEFT JOIN raw_ocr o USING (document_id)
        WHERE d.status <> 'failed' AND d.page_count IS NOT NULL
        GROUP BY ALL
        -- documents not read yet (another run may be on its way) are not counted as missing
        HAVING (d.status = 'processed' OR count(o.page_number) > 0)
           AND (count(o.page_number) <> d.page_count
            OR min(o.page_number) <> 1 OR max(o.page_number) <> d.page_count)
        """
    )
    return AssetCheckResult(
        passed=not missing,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "documents_with_missing_pages": len(missing),
            "examples": MetadataValue.md(markdown_table(missing, ["document_id", "filename", "page_count", "pages_read"])),
        },
    )
