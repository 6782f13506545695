"""Gold annotations of sample documents: the ``<name>.gold.json`` format, and mapping gold spans
onto text that an extractor (pdfium text layer, OCR) produced from the rendered PDF.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher
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
                    {
                        "label": span.label,
                        "start": span.start,
                        "end": span.end,
                        "text": page.text[span.start : span.end],
                    }
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


def _compact_span(page: PageWithSpans, span: Span, compact_index: dict[int, int]) -> tuple[int, int]:
    """Compact-text indices of the span's first and last non-space characters."""
    text = page.text[span.start : span.end]
    first = span.start + (len(text) - len(text.lstrip()))
    last = span.end - 1 - (len(text) - len(text.rstrip()))
    return compact_index[first], compact_index[last]


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _reading(text: str) -> str:
    """``text`` without whitespace or accents: what a reading must keep for a span to count as read.
    OCR drops accents its model lacks ("Valparaiso") and the space before a hull number
    ("HAI DA8"); the span is still where it was, and an extractor can still find it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not char.isspace() and not unicodedata.combining(char))


def _whitespace_flexible(text: str) -> re.Pattern[str]:
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def _search_near(
    extracted_text: str, span_text: str, anchor: int, belongs: Callable[[int, int], bool]
) -> tuple[int, int] | None:
    """The occurrence of ``span_text`` (any whitespace) closest to ``anchor``, if near enough and
    not text that the alignment gave to other gold characters (``belongs``)."""
    slack = len(span_text) + 40
    window_start = max(0, anchor - slack)
    matches = [
        match
        for match in _whitespace_flexible(span_text).finditer(
            extracted_text, window_start, anchor + slack + len(span_text)
        )
        if belongs(match.start(), match.end())
    ]
    if not matches:
        return None
    best = min(matches, key=lambda match: abs(match.start() - anchor))
    return best.start(), best.end()


def _alignment(gold_compact: str, extracted_compact: str) -> list[int | None]:
    """For each gold compact character, its matching extracted compact character (or None)."""
    if gold_compact == extracted_compact:
        return list(range(len(gold_compact)))
    mapping: list[int | None] = [None] * len(gold_compact)
    matcher = SequenceMatcher(None, gold_compact, extracted_compact, autojunk=False)
    for gold_start, extracted_start, size in matcher.get_matching_blocks():
        for offset in range(size):
            mapping[gold_start + offset] = extracted_start + offset
    return mapping


def _anchor(mapping: list[int | None], compact_first: int, extracted_positions: list[int]) -> int:
    """Where the span should start in the extracted text: the next aligned character at or after it."""
    for index in range(compact_first, len(mapping)):
        if mapping[index] is not None:
            return extracted_positions[mapping[index]]
    return extracted_positions[-1] if extracted_positions else 0


def locate_gold_spans(gold_page: PageWithSpans, extracted_text: str) -> list[Span]:
    """The gold spans of ``gold_page`` as offsets into ``extracted_text`` (the same page read back).

    The two texts are aligned on their non-whitespace characters (pdfium collapses runs of spaces
    and drops blank lines; OCR also changes characters). A span is kept where its aligned text
    reads as the gold text up to whitespace and accents, else where that text occurs near its aligned position;
    spans that OCR garbled are left out, so ``len(result) / len(gold_page.spans)`` is the share an
    extractor could possibly get right.
    """
    gold_compact, gold_positions = _compact(gold_page.text)
    extracted_compact, extracted_positions = _compact(extracted_text)
    compact_index = {position: index for index, position in enumerate(gold_positions)}
    mapping = _alignment(gold_compact, extracted_compact)
    gold_of_extracted = {extracted: gold for gold, extracted in enumerate(mapping) if extracted is not None}
    extracted_compact_index = {position: index for index, position in enumerate(extracted_positions)}

    def aligned_within(first: int, last: int) -> Callable[[int, int], bool]:
        def belongs(start: int, end: int) -> bool:
            for position in range(start, end):
                gold = gold_of_extracted.get(extracted_compact_index.get(position, -1))
                if gold is not None and not first <= gold <= last:
                    return False
            return True

        return belongs

    located = []
    for span in sorted(gold_page.spans):
        span_text = _squeeze(gold_page.text[span.start : span.end])
        first, last = _compact_span(gold_page, span, compact_index)
        if mapping[first] is not None and mapping[last] is not None:
            start, end = extracted_positions[mapping[first]], extracted_positions[mapping[last]] + 1
            if _reading(extracted_text[start:end]) == _reading(span_text):
                located.append(Span(start, end, span.label, span.score))
                continue
        found = _search_near(
            extracted_text, span_text, _anchor(mapping, first, extracted_positions), aligned_within(first, last)
        )
        if found is not None:
            located.append(Span(found[0], found[1], span.label, span.score))
    return located
