"""What travels between the pipeline and Argilla: one annotation page per OCR page.

Argilla knows a page by the record id ``"{document_id}:{page_number}"``; everything else about the
page rides along as record metadata, so a correction can always be traced back to its document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oceanid_dagster.domain.spans import Span

RECORD_ID_SEPARATOR = ":"
SUBMITTED = "submitted"
DISCARDED = "discarded"
FINAL_RESPONSE_STATUSES = (SUBMITTED, DISCARDED)


def record_id(document_id: str, page_number: int) -> str:
    if RECORD_ID_SEPARATOR in document_id or page_number < 1:
        raise ValueError(f"cannot make a record id from document {document_id!r}, page {page_number}")
    return f"{document_id}{RECORD_ID_SEPARATOR}{page_number}"


def parse_record_id(value: str) -> tuple[str, int]:
    """``"3f2a…:2"`` -> ``("3f2a…", 2)``; a clear error for anything else."""
    document_id, separator, page = value.rpartition(RECORD_ID_SEPARATOR)
    if not separator or not document_id or not page.isdigit() or int(page) < 1:
        raise ValueError(f"not an Oceanid record id (document_id:page): {value!r}")
    return document_id, int(page)


def page_uncertainty(spans: list[Span]) -> float:
    """How unsure the extractor is about a page, for active learning: 1 - the lowest span score.

    A page without any entity is as uncertain as it gets (the model may have missed everything),
    so annotators sorting by uncertainty see it early.
    """
    if not spans:
        return 1.0
    return round(1.0 - min(span.score for span in spans), 6)


@dataclass(frozen=True)
class AnnotationPage:
    """One OCR page and the entities the extractor suggests for it."""

    document_id: str
    page_number: int
    text: str
    filename: str
    extractor_version: str
    spans: tuple[Span, ...] = ()
    uncertainty: float | None = None  # the model's own page uncertainty, when it reports one

    def __post_init__(self) -> None:
        for span in self.spans:
            if span.end > len(self.text):
                raise ValueError(
                    f"page {self.record_id}: span {span.start}:{span.end} {span.label} "
                    f"lies outside the page text ({len(self.text)} characters)"
                )

    @property
    def record_id(self) -> str:
        return record_id(self.document_id, self.page_number)

    @property
    def model_uncertainty(self) -> float:
        return self.uncertainty if self.uncertainty is not None else page_uncertainty(list(self.spans))


@dataclass(frozen=True)
class AnnotatedPage:
    """A page as an annotator left it: the suggestion they saw and their final response.

    ``response_spans`` are kept raw (as Argilla returned them) because they may be malformed;
    :func:`oceanid_dagster.domain.corrections.validate_response_spans` sorts them out.
    """

    record_id: str
    text: str
    suggested: tuple[Span, ...]
    response_spans: tuple[dict[str, Any], ...]
    status: str
    annotator: str
    submitted_at: datetime
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def document_id(self) -> str:
        return parse_record_id(self.record_id)[0]

    @property
    def page_number(self) -> int:
        return parse_record_id(self.record_id)[1]
