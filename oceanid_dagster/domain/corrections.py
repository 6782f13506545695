"""Compare what the extractor suggested with what an annotator kept, span by span.

Each response span is one row:
- ``accept``: same label and offsets as a suggestion;
- ``modify``: overlaps a suggestion but differs in label or offsets (``original_label`` is the label of
  the suggestion it overlaps most);
- ``add``: overlaps no suggestion.
Each suggestion that no response span overlaps is a ``reject`` row.

A *discarded* page (the annotator judged it unusable: garbled OCR, not a vessel document) rejects
every suggestion, and its rows carry ``response_status="discarded"`` so the training set can leave
the page out instead of learning it as a page without entities.

Response spans come from outside (the Argilla API); spans outside the text, with an unknown label,
with bad offsets or overlapping each other are rejected with a reason and the rest go on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from oceanid_dagster.domain.annotation import DISCARDED, FINAL_RESPONSE_STATUSES, AnnotatedPage
from oceanid_dagster.domain.labels import is_entity_label
from oceanid_dagster.domain.spans import Span

ACCEPT = "accept"
MODIFY = "modify"
REJECT = "reject"
ADD = "add"
CORRECTIONS = (ACCEPT, MODIFY, REJECT, ADD)


@dataclass(frozen=True)
class CorrectionRow:
    """One row of ``entity_corrections``."""

    record_id: str
    document_id: str
    page_number: int
    label: str
    start_char: int
    end_char: int
    text: str
    original_label: str | None
    correction: str
    annotator: str
    submitted_at: datetime
    response_status: str


@dataclass(frozen=True)
class RejectedSpan:
    """A response span that could not be used, and why."""

    record_id: str
    span: Any
    reason: str


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _span_or_reason(raw: Any, text_length: int) -> Span | str:
    if not isinstance(raw, dict):
        return f"not a span object: {raw!r}"
    start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
        return f"offsets must be integers, got start={start!r} end={end!r}"
    if not is_entity_label(label):
        return f"unknown label {label!r}"
    if not 0 <= start < end:
        return f"empty or reversed offsets {start}:{end}"
    if end > text_length:
        return f"offsets {start}:{end} outside the text ({text_length} characters)"
    return Span(start, end, label)


def validate_response_spans(
    record_id: str, raw_spans: Iterable[Any], text: str
) -> tuple[list[Span], list[RejectedSpan]]:
    """Usable spans (sorted) and the rejected ones with their reason.

    Overlapping spans are all rejected: nothing says which of them the annotator meant.
    """
    candidates: list[tuple[Any, Span]] = []
    rejected: list[RejectedSpan] = []
    for raw in raw_spans:
        result = _span_or_reason(raw, len(text))
        if isinstance(result, str):
            rejected.append(RejectedSpan(record_id, raw, result))
        else:
            candidates.append((raw, result))
    valid = []
    for raw, span in candidates:
        others = [other for _, other in candidates if other is not span and other.overlaps(span)]
        if others:
            described = ", ".join(f"{o.start}:{o.end} {o.label}" for o in others)
            rejected.append(RejectedSpan(record_id, raw, f"overlaps {described}"))
        else:
            valid.append(span)
    return sorted(set(valid)), rejected


def _most_overlapping(span: Span, suggested: Iterable[Span]) -> Span | None:
    best = max(suggested, key=lambda s: (_overlap(span, s), -s.start), default=None)
    return best if best is not None and _overlap(span, best) > 0 else None


def classify_spans(suggested: Iterable[Span], kept: Iterable[Span]) -> list[tuple[Span, str, str | None]]:
    """``(span, correction, original_label)`` for every kept span and every rejected suggestion."""
    suggested = sorted({Span(s.start, s.end, s.label) for s in suggested})
    kept = sorted(set(kept))
    suggested_keys = {(s.start, s.end, s.label) for s in suggested}
    rows: list[tuple[Span, str, str | None]] = []
    for span in kept:
        if (span.start, span.end, span.label) in suggested_keys:
            rows.append((span, ACCEPT, span.label))
        elif (origin := _most_overlapping(span, suggested)) is not None:
            rows.append((span, MODIFY, origin.label))
        else:
            rows.append((span, ADD, None))
    for suggestion in suggested:
        if not any(suggestion.overlaps(span) for span in kept):
            rows.append((suggestion, REJECT, suggestion.label))
    return sorted(rows, key=lambda row: (row[0].start, row[0].end, row[0].label))


def page_corrections(page: AnnotatedPage) -> tuple[list[CorrectionRow], list[RejectedSpan]]:
    """All correction rows of one annotated page, and the response spans that had to be rejected."""
    if page.status not in FINAL_RESPONSE_STATUSES:
        raise ValueError(f"record {page.record_id}: response status {page.status!r} is not final")
    if page.status == DISCARDED:
        kept, rejected = [], []
    else:
        kept, rejected = validate_response_spans(page.record_id, page.response_spans, page.text)
    document_id, page_number = page.document_id, page.page_number
    rows = [
        CorrectionRow(
            record_id=page.record_id,
            document_id=document_id,
            page_number=page_number,
            label=span.label,
            start_char=span.start,
            end_char=span.end,
            text=span.text_in(page.text),
            original_label=original_label,
            correction=correction,
            annotator=page.annotator,
            submitted_at=page.submitted_at,
            response_status=page.status,
        )
        for span, correction, original_label in classify_spans(page.suggested, kept)
    ]
    return rows, rejected


def judged_suggestions_by_label(rows: Iterable[CorrectionRow]) -> dict[str, tuple[int, int]]:
    """Per suggested label, ``(accepted unchanged, judged)`` suggestion counts.

    Only rows that stem from a suggestion count (accept, modify, reject); discarded pages do not, since
    the annotator judged the page, not the suggestions.
    """
    judged: dict[str, list[bool]] = {}
    for row in rows:
        if row.correction == ADD or row.response_status == DISCARDED:
            continue
        judged.setdefault(row.original_label, []).append(row.correction == ACCEPT)
    return {label: (sum(flags), len(flags)) for label, flags in sorted(judged.items())}


def acceptance_rate_by_label(rows: Iterable[CorrectionRow]) -> dict[str, float]:
    """Per suggested label, the share of suggestions annotators accepted unchanged (a model quality signal)."""
    return {
        label: round(accepted / judged, 4) for label, (accepted, judged) in judged_suggestions_by_label(rows).items()
    }


def latest_unsynced(pages: Iterable[AnnotatedPage], synced_at: Mapping[str, datetime]) -> list[AnnotatedPage]:
    """Per record, its newest final response, unless the one already stored (``synced_at``) is as new.

    A record holds one set of corrections: when several annotators answered a page, the newest answer
    wins. Oldest first, so a run cut short resumes after the last page it stored.
    """
    latest: dict[str, AnnotatedPage] = {}
    for page in pages:
        current = latest.get(page.record_id)
        if current is None or (page.submitted_at, page.annotator) > (current.submitted_at, current.annotator):
            latest[page.record_id] = page
    fresh = [
        page
        for page in latest.values()
        if page.record_id not in synced_at or page.submitted_at > synced_at[page.record_id]
    ]
    return sorted(fresh, key=lambda page: (page.submitted_at, page.record_id))
