from __future__ import annotations

import pytest

from oceanid_dagster.domain.labels import LABEL2ID, LABEL_NAMES
from oceanid_dagster.training.metrics import entity_metrics, per_label_rows, report_plot_png, tags_from_predictions


def ids(*tags: str) -> list[int]:
    return [LABEL2ID[tag] for tag in tags]


def test_ignored_positions_are_dropped_before_scoring():
    true, predicted = tags_from_predictions(
        [ids("O", "B-IMO", "O", "B-FLAG")], [[-100, LABEL2ID["B-IMO"], -100, LABEL2ID["O"]]]
    )
    assert true == [["B-IMO", "O"]]
    assert predicted == [["B-IMO", "B-FLAG"]]


def test_entity_level_scores_per_label_and_overall():
    true = [["B-VESSEL_NAME", "I-VESSEL_NAME", "O", "B-IMO"], ["B-FLAG", "O"]]
    predicted = [["B-VESSEL_NAME", "O", "O", "B-IMO"], ["B-FLAG", "B-PORT"]]
    metrics = entity_metrics(true, predicted)
    # entities: name (missed: wrong extent), IMO (hit), FLAG (hit); predicted a wrong PORT
    assert metrics["precision"] == pytest.approx(2 / 4)
    assert metrics["recall"] == pytest.approx(2 / 3)
    assert metrics["f1"] == pytest.approx(2 * (1 / 2) * (2 / 3) / (1 / 2 + 2 / 3))
    assert metrics["per_label"]["IMO"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert metrics["per_label"]["VESSEL_NAME"]["f1"] == 0.0
    assert metrics["per_label"]["PORT"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert set(metrics["per_label"]) == set(LABEL_NAMES)
    assert metrics["entities"] == 3


def test_table_rows_end_with_overall_and_plot_is_a_png():
    metrics = entity_metrics([["B-IMO"]], [["B-IMO"]])
    rows = per_label_rows(metrics)
    assert rows[-1] == {"label": "overall", "precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert len(rows) == len(LABEL_NAMES) + 1
    png = report_plot_png(rows, [(1, 2.0), (2, 1.0)], title="t")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
