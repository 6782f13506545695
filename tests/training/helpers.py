"""Hand-made labelled pages for the training tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from oceanid_dagster.domain.spans import Span


@dataclass
class Page:
    text: str
    spans: list[Span] = field(default_factory=list)


def page_from_parts(parts: list[tuple[str, str | None]]) -> Page:
    """``[("IMO ", None), ("9305427", "IMO")]`` -> the page text and the span of every labelled part."""
    text, spans = "", []
    for part, label in parts:
        if label is not None:
            spans.append(Span(len(text), len(text) + len(part), label))
        text += part
    return Page(text, spans)
