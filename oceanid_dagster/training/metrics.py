"""Entity-level NER metrics (``seqeval``) and the report plot.

``seqeval`` is used directly: ``evaluate.load("seqeval")`` fetches its script from the hub.
Scores use seqeval's default (conlleval) entity matching, the same as ``evaluate``'s seqeval.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from oceanid_dagster.domain.alignment import IGNORED_LABEL_ID
from oceanid_dagster.domain.labels import ID2LABEL, LABEL_NAMES

PER_LABEL_COLUMNS = ("label", "precision", "recall", "f1", "support")


def tags_from_predictions(
    predicted_ids: Sequence[Sequence[int]], label_ids: Sequence[Sequence[int]]
) -> tuple[list[list[str]], list[list[str]]]:
    """``(true tags, predicted tags)`` per sequence, keeping only the positions that carry a label
    (first sub-token of each word), so scores are per word as the labels are."""
    true_tags: list[list[str]] = []
    predicted_tags: list[list[str]] = []
    for predicted_row, label_row in zip(predicted_ids, label_ids):
        kept = [(int(p), int(t)) for p, t in zip(predicted_row, label_row) if int(t) != IGNORED_LABEL_ID]
        true_tags.append([ID2LABEL[t] for _, t in kept])
        predicted_tags.append([ID2LABEL[p] for p, _ in kept])
    return true_tags, predicted_tags


def entity_metrics(true_tags: list[list[str]], predicted_tags: list[list[str]]) -> dict[str, Any]:
    """Overall and per-label precision/recall/F1 (every label of the schema, support 0 when absent)."""
    from seqeval.metrics import accuracy_score, classification_report

    report = classification_report(true_tags, predicted_tags, output_dict=True, zero_division=0)
    micro = report.get("micro avg", {})
    per_label = {
        label: {
            "precision": float(report.get(label, {}).get("precision", 0.0)),
            "recall": float(report.get(label, {}).get("recall", 0.0)),
            "f1": float(report.get(label, {}).get("f1-score", 0.0)),
            "support": int(report.get(label, {}).get("support", 0)),
        }
        for label in LABEL_NAMES
    }
    return {
        "precision": float(micro.get("precision", 0.0)),
        "recall": float(micro.get("recall", 0.0)),
        "f1": float(micro.get("f1-score", 0.0)),
        "accuracy": float(accuracy_score(true_tags, predicted_tags)) if any(true_tags) else 0.0,
        "entities": int(micro.get("support", 0)),
        "per_label": per_label,
    }


def per_label_rows(metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Table rows (``PER_LABEL_COLUMNS``), one per label then ``overall``; scores rounded to 4 places."""
    rows = [
        {"label": label, **{key: _rounded(value) for key, value in scores.items()}}
        for label, scores in metrics["per_label"].items()
    ]
    rows.append(
        {
            "label": "overall",
            "precision": _rounded(metrics["precision"]),
            "recall": _rounded(metrics["recall"]),
            "f1": _rounded(metrics["f1"]),
            "support": metrics["entities"],
        }
    )
    return rows


def _rounded(value: Any) -> Any:
    return round(value, 4) if isinstance(value, float) else value


def report_plot_png(rows: list[dict[str, Any]], loss_history: Sequence[tuple[int, float]], title: str = "") -> bytes:
    """PNG: per-label F1 (bars) beside the training loss curve."""
    from matplotlib.figure import Figure  # no pyplot: no global backend state, safe in a code server

    figure = Figure(figsize=(11, 4.5), dpi=100)
    f1_axes, loss_axes = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    labels = [row["label"] for row in rows]
    f1_axes.barh(
        labels, [row["f1"] for row in rows], color=["#c44e52" if label == "overall" else "#4c72b0" for label in labels]
    )
    f1_axes.set_xlim(0, 1)
    f1_axes.invert_yaxis()
    f1_axes.set_xlabel("F1")
    f1_axes.set_title("F1 per label")
    if loss_history:
        steps, losses = zip(*loss_history)
        loss_axes.plot(steps, losses, marker=".")
    loss_axes.set_xlabel("step")
    loss_axes.set_ylabel("training loss")
    loss_axes.set_title("loss")
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
