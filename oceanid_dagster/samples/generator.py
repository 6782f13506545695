"""Synthetic vessel documents with gold entity spans, built from registry records.

Used for sample PDFs (tests, benchmarks, demos) and as silver training data, so the emphasis is
on variety: five printed layouts, and per document its own captions, field order, dates, units,
casing. Silver data (:func:`silver_documents`) adds the layouts written for training
(:mod:`~oceanid_dagster.samples.layouts_varied`: foreign-language forms, inline lists, pipe tables,
briefings; :mod:`~oceanid_dagster.samples.layouts_records`: machine records, transposed tables,
two-column forms, message threads, news) and reads a share of its documents as OCR would.

    docs = generate_documents(load_sample_registry(), n=100, seed=7)
    docs[0].pages[0].text[span.start:span.end]   # each gold span
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from oceanid_dagster.samples.layouts import LAYOUT_NAMES, LAYOUTS, DocContext, Layout, Record, document_values
from oceanid_dagster.samples.layouts_records import RECORD_LAYOUTS
from oceanid_dagster.samples.layouts_varied import VARIED_LAYOUTS
from oceanid_dagster.samples.ocr_noise import OcrNoise, ocr_noised
from oceanid_dagster.samples.style import Style, record_is_printable
from oceanid_dagster.samples.text import Block, SampleDocument, SamplePage, build_page, paginate

__all__ = [
    "LAYOUT_NAMES",
    "SILVER_LAYOUT_NAMES",
    "SampleDocument",
    "SamplePage",
    "document_name",
    "generate_documents",
    "silver_documents",
]

ALL_LAYOUTS: dict[str, Layout] = {**LAYOUTS, **{layout.name: layout for layout in (*VARIED_LAYOUTS, *RECORD_LAYOUTS)}}
SILVER_LAYOUT_NAMES: tuple[str, ...] = tuple(ALL_LAYOUTS)
OCR_SUFFIX = "-ocr"

MAX_LINES_PER_PAGE = 60
MIN_LINES_PER_PAGE = 44
TABLE_CANDIDATES = 120


def document_name(layout: str, seed: int, index: int) -> str:
    return f"{layout}-s{seed}-{index:05d}"


def _printable_by_source(records: Sequence[Record]) -> dict[str, list[Record]]:
    by_source: dict[str, list[Record]] = {}
    for record in records:
        if record.get("vessel_name") and record_is_printable(record):
            by_source.setdefault(str(record["source"]), []).append(record)
    if not by_source:
        raise ValueError("no usable registry records to build documents from (need vessel names)")
    return by_source


def _pages_of(
    layout: Layout, ctx: DocContext, opening: list[Block], bodies: list[list[Block]], lines_per_page: int
) -> list[list]:
    blocks = opening + [block for body in bodies for block in body] + layout.closing(ctx, len(bodies))
    return paginate(blocks, lines_per_page, layout.continuation(ctx))


def _compose(layout: Layout, ctx: DocContext, vessels: list[Record], pages: int | None) -> list[list]:
    """Lines of each page: a random number of vessels, or as many as fill ``pages`` pages."""
    opening = layout.opening(ctx)
    lines_per_page = ctx.rng.randint(MIN_LINES_PER_PAGE, MAX_LINES_PER_PAGE)
    if pages is None:
        count = ctx.rng.randint(*layout.vessels_range)
        chosen = [layout.vessel(ctx, vessels[i % len(vessels)], i) for i in range(count)]
        return _pages_of(layout, ctx, opening, chosen, lines_per_page)
    bodies: list[list[Block]] = []
    laid_out = _pages_of(layout, ctx, opening, bodies, lines_per_page)
    # Add vessels while they still fit in ``pages`` pages, so the last page is full too.
    while True:
        index = len(bodies)
        longer_bodies = bodies + [layout.vessel(ctx, vessels[index % len(vessels)], index)]
        longer = _pages_of(layout, ctx, opening, longer_bodies, lines_per_page)
        if len(longer) > pages and len(laid_out) >= pages and bodies:
            return laid_out
        bodies, laid_out = longer_bodies, longer


def generate_document(
    records_by_source: dict[str, list[Record]], layout_name: str, seed: int, index: int, pages: int | None = None
) -> SampleDocument:
    rng = random.Random(f"{seed}:{index}:{layout_name}")
    source = rng.choice(sorted(records_by_source))
    pool = records_by_source[source]
    candidates = rng.sample(pool, min(len(pool), TABLE_CANDIDATES))
    style = Style.draw(rng, source)
    ctx = DocContext(rng=rng, style=style, width=rng.randint(68, 96), candidates=candidates)
    ctx.values = document_values(rng, style)
    layout = ALL_LAYOUTS[layout_name]
    page_lines = _compose(layout, ctx, candidates, pages)
    return SampleDocument(
        name=document_name(layout_name, seed, index),
        layout=layout_name,
        pages=[build_page(lines) for lines in page_lines],
    )


def generate_documents(
    records: Sequence[Record],
    n: int,
    seed: int,
    layouts: Sequence[str] = LAYOUT_NAMES,
    pages: int | None = None,
) -> list[SampleDocument]:
    """``n`` documents, layouts taken in turn; the same records and seed give the same documents.

    ``pages`` asks for exactly that many pages per document (more vessels are added to fill
    them); by default each layout picks its own number of vessels.
    """
    unknown = [name for name in layouts if name not in ALL_LAYOUTS]
    if unknown or not layouts:
        raise ValueError(f"unknown layouts {unknown}; known: {', '.join(SILVER_LAYOUT_NAMES)}")
    by_source = _printable_by_source(records)
    return [generate_document(by_source, layouts[i % len(layouts)], seed, i, pages) for i in range(n)]


def silver_documents(
    records: Sequence[Record], n: int, seed: int, ocr_share: float = 0.25, layouts: Sequence[str] = SILVER_LAYOUT_NAMES
) -> list[SampleDocument]:
    """Training documents: every layout in turn, and about ``ocr_share`` of them as a scan's OCR
    reads them (:func:`~oceanid_dagster.samples.ocr_noise.ocr_noised`, named ``...-ocr``), so the
    model also learns the scan path's text."""
    if not 0 <= ocr_share <= 1:
        raise ValueError(f"ocr_share must be in [0, 1], got {ocr_share}")
    rng = random.Random(f"{seed}:ocr")
    documents = generate_documents(records, n, seed, layouts)
    return [as_read_by_ocr(document, rng) if rng.random() < ocr_share else document for document in documents]


def as_read_by_ocr(document: SampleDocument, rng: random.Random) -> SampleDocument:
    noise = OcrNoise.draw(rng)
    return SampleDocument(
        name=document.name + OCR_SUFFIX,
        layout=document.layout,
        pages=[ocr_noised(page, rng, noise) for page in document.pages],
    )
