"""Gold annotations of sample documents: the ``<name>.gold.json`` format, and mapping gold spans
onto text that an extractor (pdfium text layer, OCR) produced from the rendered PDF.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Protocol

from oceanid_dagster.domain.spans import Span
from oceanid_dagster.samples.text import SampleDocument, SamplePage

GOLD_SUFFIX = ".gold.json"


class PageWithSpans(Protocol):
    text: str
    spans: list[Span]


def gold_dict(document: SampleDocument, scanned: bool) -> dict[str, object]:
    return {
        "name": document.name,
        "layout": document.layout,
        "scanned": scanned,
        "pages": [
            {
                "page_number": number,
                "text": page.text,
                "spans": [
                    {"label": span.label, "start": span.start, "end": span.end, "text": page.text[span.start : span.end]}
                    for span in page.spans
                ],
            }
            for number, page in enumerate(document.pages, start=1)
        ],
    }


def write_gold(path: Path, document: SampleDocument, scanned: bool) -> None:
    path.write_text(json.dumps(gold_dict(document, scanned), ensure_ascii=False, indent=1), encoding="utf-8")


def read_gold(path: str | Path) -> SampleDocument:
    """A ``<name>.gold.json`` back as a document; checks every span's text against its offsets."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    pages = []
    for page in data["pages"]:
        spans = [Span(item["start"], item["end"], item["label"]) for item in page["spans"]]
        for span, item in zip(spans, page["spans"]):
            if page["text"][span.start : span.end] != item["text"]:
                raise ValueError(f"{path}: page {page['page_number']} span {item} does not match the page text")
        pages.append(SamplePage(text=page["text"], spans=spans))
    return SampleDocument(name=data["name"], layout=data["layout"], pages=pages)


def _compact(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and each kept character's index in ``text``."""
    positions = [index for index, char in enumerate(text) if not char.isspace()]
    return "".join(text[index] for index in positions), positions


def _map_by_compact_text(gold_page: PageWithSpans, extracted_text: str) -> list[Span] | None:
    """Exact mapping when the two texts differ only in whitespace; None otherwise."""
    gold_compact, gold_positions = _compact(gold_page.text)
    extracted_compact, extracted_positions = _compact(extracted_text)
    if gold_compact != extracted_compact:
        return None
    compact_index = {position: index for index, position in enumerate(gold_positions)}
    mapped = []
    for span in gold_page.spans:
        text = gold_page.text[span.start : span.end]
        first = span.start + (len(text) - len(text.lstrip()))
        last = span.end - 1 - (len(text) - len(text.rstrip()))
        start = extracted_positions[compact_index[first]]
        end = extracted_positions[compact_index[last]] + 1
        mapped.append(Span(start, end, span.label, span.score))
    return mapped


def _whitespace_flexible(text: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def _map_by_search(gold_page: PageWithSpans, extracted_text: str) -> list[Span]:
    """Find each span's text in order, whitespace-insensitively, from where the last one ended."""
    mapped = []
    cursor = 0
    for span in sorted(gold_page.spans):
        pattern = _whitespace_flexible(gold_page.text[span.start : span.end])
        match = pattern.search(extracted_text, cursor)
        if match is None:
            continue
        mapped.append(Span(match.start(), match.end(), span.label, span.score))
        cursor = match.end()
    return mapped


def locate_gold_spans(gold_page: PageWithSpans, extracted_text: str) -> list[Span]:
    """The gold spans of ``gold_page`` as offsets into ``extracted_text`` (the same page read back).

    Where the extracted text is the gold text with other whitespace (pdfium collapses runs of
    spaces and blank lines) the mapping is exact. Otherwise (OCR errors) each span's text is
    searched for in order, allowing any whitespace between its words; spans not found are left
    out, so ``len(result) / len(gold_page.spans)`` is the recoverable share.
    """
    exact = _map_by_compact_text(gold_page, extracted_text)
    return exact if exact is not None else _map_by_search(gold_page, extracted_text)
