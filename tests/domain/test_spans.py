"""Overlap removal: the best-scoring, then longest, span wins where spans overlap."""

from __future__ import annotations

import random

from oceanid_dagster.domain.spans import Span, SpanIndex, remove_overlaps


def pairwise_reference(spans: list[Span]) -> list[Span]:
    """The rule spelt out: each span in priority order is kept unless it overlaps one already kept."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return sorted(kept)


def test_the_surer_then_the_longer_span_wins_and_touching_spans_both_stay():
    spans = [
        Span(0, 5, "VESSEL_NAME", 0.9),
        Span(3, 9, "OWNER", 0.95),  # surer: beats the name it overlaps
        Span(9, 12, "FLAG", 0.5),  # touches the owner's end: no overlap
        Span(20, 30, "PORT", 0.8),
        Span(22, 25, "PORT", 0.8),  # as sure, shorter: loses
    ]
    assert remove_overlaps(spans) == [Span(3, 9, "OWNER", 0.95), Span(9, 12, "FLAG", 0.5), Span(20, 30, "PORT", 0.8)]


def test_the_same_spans_as_the_pairwise_rule_on_random_pages():
    generator = random.Random(7)
    for _ in range(300):
        spans = []
        for _ in range(generator.randint(0, 60)):
            start = generator.randint(0, 200)
            spans.append(Span(start, start + generator.randint(1, 25), "IMO", generator.choice([0.5, 0.8, 0.9, 1.0])))
        assert remove_overlaps(spans) == pairwise_reference(spans)


def test_a_span_index_answers_as_a_scan_of_every_span_would() -> None:
    generator = random.Random(11)
    for _ in range(300):
        spans = []
        for _ in range(generator.randint(0, 40)):  # in any order, overlapping one another
            start = generator.randint(0, 200)
            spans.append(Span(start, start + generator.randint(1, 40), "PORT"))
        index = SpanIndex(spans)
        for start in range(0, 230, 3):
            probe = Span(start, start + generator.randint(1, 10), "PORT")
            assert index.overlaps(probe) == any(probe.overlaps(span) for span in spans)
    # touching is no overlap
    assert not SpanIndex([Span(0, 5, "PORT")]).overlaps(Span(5, 9, "PORT"))
