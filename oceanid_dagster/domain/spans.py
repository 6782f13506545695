"""Character spans: what every extractor (rules, ONNX model, Triton) returns for one page of text."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from oceanid_dagster.domain.labels import is_entity_label


@dataclass(frozen=True, order=True)
class Span:
    """``text[start:end]`` is an entity of ``label``; ``score`` is the extractor's confidence in [0, 1]."""

    start: int
    end: int
    label: str
    score: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span offsets {self.start}:{self.end}")
        if not is_entity_label(self.label):
            raise ValueError(f"unknown entity label {self.label!r}")

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def text_in(self, page_text: str) -> str:
        return page_text[self.start : self.end]


def remove_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the best-scoring (then longest) span where spans overlap; result sorted by position."""
    kept: list[Span] = []  # never overlapping, so ordered by start and by end alike
    starts: list[int] = []
    for span in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        index = bisect_left(starts, span.start)  # only the neighbours either side can overlap it
        if (index == 0 or kept[index - 1].end <= span.start) and (index == len(kept) or span.end <= starts[index]):
            kept.insert(index, span)
            starts.insert(index, span.start)
    return kept


class SpanIndex:
    """Whether a span overlaps any of ``spans`` (in any order, overlapping one another or not), in
    O(log n) rather than a scan of them all."""

    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted(spans, key=lambda span: span.start)
        self._starts = [span.start for span in ordered]
        self._max_ends = list(accumulate((span.end for span in ordered), max))

    def overlaps(self, span: Span) -> bool:
        before_its_end = bisect_left(self._starts, span.end)  # the spans that start before it ends
        return before_its_end > 0 and self._max_ends[before_its_end - 1] > span.start
