"""Span-level precision/recall/F1: an entity counts only with exact offsets and label."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from oceanid_dagster.domain.labels import LABEL_NAMES
from oceanid_dagster.domain.spans import Span


def span_scores(pages: Iterable[tuple[list[Span], list[Span]]]) -> dict[str, dict[str, float]]:
    """``{label: {precision, recall, f1, support}}`` plus ``"micro"``, over (gold, predicted) pages."""
    true_positive, predicted, expected = Counter(), Counter(), Counter()
    for gold, found in pages:
        gold_keys = {(span.start, span.end, span.label) for span in gold}
        found_keys = {(span.start, span.end, span.label) for span in found}
        for key in gold_keys & found_keys:
            true_positive[key[2]] += 1
        predicted.update(key[2] for key in found_keys)
        expected.update(key[2] for key in gold_keys)
    scores = {
        label: _scores(true_positive[label], predicted[label], expected[label])
        for label in LABEL_NAMES
        if predicted[label] or expected[label]
    }
    scores["micro"] = _scores(sum(true_positive.values()), sum(predicted.values()), sum(expected.values()))
    return scores


def _scores(true_positive: int, predicted: int, expected: int) -> dict[str, float]:
    precision = true_positive / predicted if predicted else 0.0
    recall = true_positive / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "support": expected}
